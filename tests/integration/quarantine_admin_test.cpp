// GET /admin/v1/quarantine against a real Redis: newest first, paginated with limit/after,
// bounded, and only for admin tokens (viewer and above).
#include "hooks_harness.hpp"

namespace lg::test::hooks {
namespace {

using Quarantine = HooksTest;

// Five well-signed Zalo payloads that do not parse; returns their bodies, oldest first.
std::vector<std::string> quarantine_five(Quarantine& t) {
  std::vector<std::string> bodies;
  for (int i = 0; i < 5; ++i) {
    std::string body = "garbage number " + std::to_string(i);
    auto a = t.post_zalo(body, zalo_signature(body));
    EXPECT_EQ(a.status, 200u) << a.body;
    bodies.push_back(body);
  }
  return bodies;
}

TEST_F(Quarantine, PagesNewestFirst) {
  const auto bodies = quarantine_five(*this);
  std::vector<std::string> seen;
  std::string after;
  for (int page = 0; page < 3; ++page) {
    auto a = admin_get("/admin/v1/quarantine?limit=2" + (after.empty() ? "" : "&after=" + after));
    ASSERT_EQ(a.status, 200u) << a.body;
    auto j = nlohmann::json::parse(a.body);
    for (const auto& e : j["entries"]) seen.push_back(e["fields"]["body"]);
    if (page < 2) {
      ASSERT_EQ(j["entries"].size(), 2u);
      ASSERT_TRUE(j["next"].is_string());
      after = j["next"];
    } else {
      EXPECT_EQ(j["entries"].size(), 1u);
      EXPECT_TRUE(j["next"].is_null());
    }
  }
  EXPECT_EQ(seen, (std::vector<std::string>{bodies[4], bodies[3], bodies[2], bodies[1], bodies[0]}));
}

TEST_F(Quarantine, EmptyStreamIsAnEmptyPage) {
  auto a = admin_get("/admin/v1/quarantine");
  ASSERT_EQ(a.status, 200u) << a.body;
  auto j = nlohmann::json::parse(a.body);
  EXPECT_TRUE(j["entries"].empty());
  EXPECT_TRUE(j["next"].is_null());
}

TEST_F(Quarantine, BadParametersAre400) {
  for (const std::string q : {"limit=0", "limit=201", "limit=abc", "after=12x", "after=-1", "after=%zz"}) {
    auto a = admin_get("/admin/v1/quarantine?" + q);
    EXPECT_EQ(a.status, 400u) << q << ": " << a.body;
  }
}

TEST_F(Quarantine, NeedsAnAdminToken) {
  auto none = admin_get("/admin/v1/quarantine", "");
  EXPECT_EQ(none.status, 401u) << none.body;
  auto wrong = admin_get("/admin/v1/quarantine", "not-a-token-of-ours-0123456789");
  EXPECT_EQ(wrong.status, 401u) << wrong.body;
}

}  // namespace
}  // namespace lg::test::hooks
