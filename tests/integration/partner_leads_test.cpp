// POST /v1/leads against a real Redis: a single lead, a batch with bad items answered item by
// item, unknown and missing API keys, and Idempotency-Key making a retried request add nothing.
#include "hooks_harness.hpp"

namespace lg::test::hooks {
namespace {

using Partner = HooksTest;

std::map<std::string, std::string> with_key(const std::string& key = partner_key) {
  return {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + key}};
}

TEST_F(Partner, SingleLeadIsAccepted) {
  const std::string body =
      R"({"contact":{"full_name":"nguyễn thị lan","phone":"0912 345 678","email":"Lan@Example.com"},)"
      R"("interest":{"program":"IELTS"},"message":"Gọi sau 18h"})";
  auto a = post("/v1/leads", body, with_key());
  ASSERT_EQ(a.status, 202u) << a.body;
  auto j = nlohmann::json::parse(a.body);
  EXPECT_EQ(j["status"], "accepted");
  EXPECT_TRUE(j["lead_id"].get<std::string>().starts_with("ld_"));
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]["lead_id"], j["lead_id"]);
  EXPECT_EQ(ev[0]["channel"], "api");
  EXPECT_EQ(ev[0]["source"], "partner-crm");
  EXPECT_EQ(ev[0]["contact"]["phones"][0], "+84912345678");
  EXPECT_EQ(ev[0]["contact"]["emails"][0], "lan@example.com");
}

TEST_F(Partner, SingleBadLeadIsItsError) {
  auto a = post("/v1/leads", R"({"contact":{"full_name":"Không Số"}})", with_key());
  EXPECT_EQ(a.status, 400u) << a.body;
  EXPECT_TRUE(nlohmann::json::parse(a.body).contains("error"));
  EXPECT_TRUE(events().empty());
}

TEST_F(Partner, BatchAnswersEachItem) {
  const std::string body =
      R"({"leads":[{"contact":{"full_name":"Trần Văn Minh","phone":"0987654321"}},)"
      R"({"contact":{"full_name":"Không Số","phone":"12"}},)"
      R"("not a lead",)"
      R"({"external_id":"crm-43","contact":{"emails":["hoa@example.com"]}}]})";
  auto a = post("/v1/leads", body, with_key());
  ASSERT_EQ(a.status, 200u) << a.body;
  auto j = nlohmann::json::parse(a.body);
  EXPECT_EQ(j["accepted"], 2);
  EXPECT_EQ(j["errors"], 2);
  ASSERT_EQ(j["results"].size(), 4u);
  EXPECT_EQ(j["results"][0]["status"], "accepted");
  EXPECT_EQ(j["results"][1]["status"], "error");
  EXPECT_EQ(j["results"][1]["index"], 1);
  EXPECT_NE(j["results"][1]["error"]["field"].get<std::string>().find("leads[1]"), std::string::npos);
  EXPECT_EQ(j["results"][2]["status"], "error");
  EXPECT_EQ(j["results"][3]["status"], "accepted");
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0]["lead_id"], j["results"][0]["lead_id"]);
  EXPECT_EQ(ev[1]["event_id"], "api:ext:partner-crm:crm-43");
}

TEST_F(Partner, OversizedBatchIsRefusedWhole) {
  nlohmann::json leads = nlohmann::json::array();
  for (int i = 0; i < 501; ++i) leads.push_back({{"contact", {{"email", "p" + std::to_string(i) + "@example.com"}}}});
  auto a = post("/v1/leads", nlohmann::json{{"leads", leads}}.dump(), with_key());
  EXPECT_EQ(a.status, 400u) << a.body;
  EXPECT_TRUE(events().empty());
}

TEST_F(Partner, BadOrMissingKeyIs401) {
  const std::string body = R"({"contact":{"email":"a@example.com"}})";
  auto bad = post("/v1/leads", body, with_key("not-a-partner-key"));
  EXPECT_EQ(bad.status, 401u) << bad.body;
  EXPECT_EQ(nlohmann::json::parse(bad.body)["error"]["code"], "unauthorized");
  auto missing = post("/v1/leads", body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(missing.status, 401u);
  auto header = post("/v1/leads", body, {{"X-Api-Key", partner_key}});
  EXPECT_EQ(header.status, 202u) << header.body;
  EXPECT_EQ(events().size(), 1u);
}

TEST_F(Partner, IdempotencyKeyMakesARetryAddNothing) {
  const std::string body =
      R"({"leads":[{"contact":{"email":"one@example.com"}},{"contact":{"email":"two@example.com"}}]})";
  auto h = with_key();
  h["Idempotency-Key"] = "batch-2026-11-22-001";
  auto first = post("/v1/leads", body, h);
  auto second = post("/v1/leads", body, h);
  ASSERT_EQ(first.status, 200u) << first.body;
  ASSERT_EQ(second.status, 200u) << second.body;
  auto j1 = nlohmann::json::parse(first.body);
  auto j2 = nlohmann::json::parse(second.body);
  EXPECT_EQ(j2["duplicates"], 2);
  EXPECT_EQ(j2["results"][0]["status"], "duplicate");
  EXPECT_EQ(j2["results"][0]["lead_id"], j1["results"][0]["lead_id"]);
  EXPECT_EQ(j2["results"][1]["lead_id"], j1["results"][1]["lead_id"]);
  EXPECT_EQ(events().size(), 2u);

  // Without the key the same body is a new request.
  ASSERT_EQ(post("/v1/leads", body, with_key()).status, 200u);
  EXPECT_EQ(events().size(), 4u);

  h["Idempotency-Key"] = "has space";
  EXPECT_EQ(post("/v1/leads", body, h).status, 400u);
}

}  // namespace
}  // namespace lg::test::hooks
