// Two `leadgate serve` processes on one Redis: a rule change made through process A's admin
// API reaches process B within one second (B's dry-run answers the new version and team), and
// B's processing worker assigns the next lead by the new rules.
#include "core/digest.hpp"
#include "support/e2e.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lg::test {
namespace {

using http::verb;
using nlohmann::json;

const std::string rules_admin_token = "e2e-rules-admin-token-0123456789abcdef";

json rules_v1() {
  return json{{"default_team", "hq"},
              {"rules",
               {{{"name", "hcm-city"},
                 {"conditions", {{"all", {{{"field", "contact.city"}, {"op", "equals"}, {"value", "Hồ Chí Minh"}}}}}},
                 {"action", {{"team", "hcm"}}}}}}};
}

std::string config_text(const std::string& tenant) {
  auto j = worker_config(tenant, rules_admin_token, "admin");
  j["teams"] = {{{"id", "hq"}, {"members", {{{"id", "a1"}}}}}, {{"id", "hcm"}, {"members", {{{"id", "b1"}}}}}};
  j["routing"] = rules_v1();
  j["sources"] = json::array({website_source()});
  return j.dump(2);
}

std::map<std::string, std::string> admin_headers() {
  return {{"Authorization", "Bearer " + rules_admin_token}, {"Content-Type", "application/json"}};
}

json dry_run(unsigned short port) {
  json req{{"lead", {{"channel", "web_form"}, {"contact", {{"full_name", "Lê Hoa"}, {"city", "Hà Nội"}}}}}};
  auto a = http_request(port, verb::post, "/admin/v1/rules/test", req.dump(), admin_headers());
  if (a.status != 200) return json::object();
  return json::parse(a.body, nullptr, false);
}

// `leadgate serve` with the config at `cfg` and `roles` on the test Redis, started: its port is
// read from its first line (0 when it did not start).
struct gateway_process {
  gateway_process(const std::filesystem::path& cfg, const std::string& roles)
      : proc(serve(cfg, {}, {"--roles", roles})), port(start(proc)) {}
  child_process proc;
  unsigned short port;
};

TEST(E2E, RuleChangeReachesTheOtherProcessWithinOneSecond) {
  const auto url = redis_url();
  ASSERT_FALSE(url.empty()) << "LG_TEST_REDIS_URL is not set";
  const auto cfg = write_temp("leadgate.json", config_text(fresh_tenant("e2e-rules")));
  // A answers HTTP only; B also runs the processing worker that assigns leads.
  gateway_process a(cfg, "http");
  gateway_process b(cfg, "http,process");
  const auto port_a = a.port;
  const auto port_b = b.port;
  ASSERT_NE(port_a, 0);
  ASSERT_NE(port_b, 0);
  ASSERT_TRUE(wait_ready(port_a));
  ASSERT_TRUE(wait_ready(port_b));

  auto before = dry_run(port_b);
  ASSERT_EQ(before.value("version", 0), 1) << before.dump();
  EXPECT_EQ(before["decision"]["team"], "hq");

  json next = rules_v1();
  next["default_team"] = "hcm";
  auto headers = admin_headers();
  headers["If-Match"] = "\"1\"";
  auto put = http_request(port_a, verb::put, "/admin/v1/rules", next.dump(), headers);
  ASSERT_EQ(put.status, 200u) << put.body;
  const auto t0 = std::chrono::steady_clock::now();

  json seen;
  while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3)) {
    seen = dry_run(port_b);
    if (seen.value("version", 0) == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  ASSERT_EQ(seen.value("version", 0), 2) << seen.dump();
  EXPECT_LT(took.count(), 1000) << "process B applied the change after " << took.count() << " ms";
  EXPECT_EQ(seen["decision"]["team"], "hcm");
  EXPECT_EQ(seen["assignment"]["member"], "b1");

  // A real lead, accepted by A (http only) and assigned by B's worker with the new rules.
  auto form = post_website_form(port_a, "ho_ten=L%C3%AA+Hoa&sdt=0912000111");
  ASSERT_EQ(form.status, 202u) << form.body;
  json contact;
  ASSERT_TRUE(eventually([&] {
    auto r = http_request(port_b, verb::get, "/admin/v1/contacts?phone=%2B84912000111", {}, admin_headers());
    if (r.status != 200) return false;
    auto list = json::parse(r.body, nullptr, false);
    if (!list.contains("contacts") || list["contacts"].empty()) return false;
    contact = list["contacts"][0];
    return contact.value("owner", std::string()) != "";
  })) << contact.dump();
  EXPECT_EQ(contact["team"], "hcm");
  EXPECT_EQ(contact["owner"], "b1");
  std::filesystem::remove_all(cfg.parent_path());
}

}  // namespace
}  // namespace lg::test
