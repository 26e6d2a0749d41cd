// Partner API: key check, options, single and batch leads, per-item errors with paths,
// event ids and the per-item status JSON.
#include "adapters/partner_api/partner_api.hpp"
#include "core/digest.hpp"
#include "config/config.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

namespace lg::adapters::partner_api {
namespace {

const parse_context ctx{"partner-a", "2026-11-22T03:00:00.123Z", "203.0.113.7", "partner-sync/1.0"};

std::string fixture(const std::string& name) { return test_support::fixture("partner_api", name); }

TEST(PartnerApi, KeyIsCheckedAgainstHashes) {
  // sha256("partner-key-1") computed with sha256sum, as an operator would for the config.
  const options o{{"d1cf9c5cffcb718f754b7ecb1ed23efdb5a654b4b20c2fc42759db5903209f76"}};
  EXPECT_TRUE(key_matches(o, "partner-key-1"));
  EXPECT_FALSE(key_matches(o, "partner-key-1\n"));
  const options real{{core::sha256_hex("partner-key-1"), core::sha256_hex("partner-key-2")}};
  EXPECT_TRUE(key_matches(real, "partner-key-1"));
  EXPECT_TRUE(key_matches(real, "partner-key-2"));
  EXPECT_FALSE(key_matches(real, "partner-key-3"));
  EXPECT_FALSE(key_matches(real, ""));
  EXPECT_FALSE(key_matches(real, core::sha256_hex("partner-key-1")));  // the hash is not the key
}

TEST(PartnerApi, KeyIsReadFromBearerOrApiKeyHeader) {
  inbound_request r;
  EXPECT_FALSE(presented_key(r).has_value());
  r.headers = {{"authorization", "Bearer  abc "}};
  EXPECT_EQ(presented_key(r).value_or(""), "abc");
  r.headers = {{"authorization", "Basic abc"}};
  EXPECT_FALSE(presented_key(r).has_value());
  r.headers = {{"x-api-key", "k-1"}};
  EXPECT_EQ(presented_key(r).value_or(""), "k-1");
}

TEST(PartnerApi, OptionsFromConfig) {
  const auto h = core::sha256_hex("k");
  auto o = parse_options(nlohmann::json{{"api_key_sha256", {h}}}, "p");
  ASSERT_EQ(o.key_hashes.size(), 1u);
  EXPECT_TRUE(key_matches(o, "k"));
  EXPECT_THROW((void)parse_options(nlohmann::json::object(), "p"), config::config_error);
  EXPECT_THROW((void)parse_options(nlohmann::json{{"api_key_sha256", {"ABC"}}}, "p"), config::config_error);
  try {
    (void)parse_options(nlohmann::json{{"api_key_sha256", {h, "not-hex"}}}, "sources[4].options");
    ADD_FAILURE();
  } catch (const config::config_error& e) {
    EXPECT_NE(std::string(e.what()).find("sources[4].options.api_key_sha256[1]"), std::string::npos) << e.what();
  }
}

TEST(PartnerApi, SingleLeadIsNormalized) {
  auto r = parse(fixture("single.json"), ctx);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_FALSE(r->batch);
  ASSERT_EQ(r->items.size(), 1u);
  ASSERT_TRUE(r->items[0].event.has_value()) << r->items[0].error->message;
  const auto& e = *r->items[0].event;
  EXPECT_EQ(e.chan, core::channel::api);
  EXPECT_EQ(e.event_id, "api:ext:partner-a:crm-42");
  EXPECT_EQ(e.source, "partner-a");
  EXPECT_EQ(e.occurred_at, "2026-11-22T03:00:00Z");
  EXPECT_EQ(e.contact.full_name, "Nguyễn Thị Lan");
  EXPECT_EQ(e.contact.family_name, "Nguyễn");
  EXPECT_EQ(e.contact.phones, std::vector<std::string>{"+84912345678"});
  EXPECT_EQ(e.contact.emails, std::vector<std::string>{"lan@example.com"});
  EXPECT_EQ(e.contact.city, "Hà Nội");
  EXPECT_EQ(e.interest.at("program"), "IELTS");
  EXPECT_EQ(e.campaign.utm.at("utm_campaign"), "ielts-t11");
  EXPECT_EQ(e.campaign.page_url, "https://partner.example/ielts");
  EXPECT_EQ(e.message, "Gọi sau 18h");
  EXPECT_TRUE(e.consent.at("marketing"));
  EXPECT_EQ(e.client.ip, "203.0.113.7");
  EXPECT_EQ(e.extra.at("external_id"), "crm-42");
}

TEST(PartnerApi, BatchAnswersEachItem) {
  auto r = parse(fixture("batch.json"), ctx);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_TRUE(r->batch);
  ASSERT_EQ(r->items.size(), 6u);

  ASSERT_TRUE(r->items[0].event.has_value());
  EXPECT_EQ(r->items[0].event->contact.phones, std::vector<std::string>{"+84987654321"});  // deduplicated
  EXPECT_TRUE(r->items[0].event->event_id.starts_with("api:req:"));

  ASSERT_TRUE(r->items[1].error.has_value());
  EXPECT_EQ(r->items[1].error->code, core::errc::invalid_field);
  EXPECT_EQ(r->items[1].error->field, "leads[1].contact.phone");

  ASSERT_TRUE(r->items[2].error.has_value());
  EXPECT_EQ(r->items[2].error->field, "leads[2].colour");

  ASSERT_TRUE(r->items[3].error.has_value());
  EXPECT_EQ(r->items[3].error->code, core::errc::missing_field);
  EXPECT_EQ(r->items[3].error->field, "leads[3].contact.phone");

  ASSERT_TRUE(r->items[4].error.has_value());
  EXPECT_EQ(r->items[4].error->field, "leads[4]");

  ASSERT_TRUE(r->items[5].event.has_value());
  EXPECT_EQ(r->items[5].event->event_id, "api:ext:partner-a:crm-43");
  EXPECT_EQ(r->items[5].event->extra.at("crm_owner"), "u7");
}

TEST(PartnerApi, EventIdsWithoutExternalIdDifferPerItemAndRequest) {
  const std::string body = R"({"leads":[{"contact":{"phone":"0912345678"}},{"contact":{"phone":"0912345678"}}]})";
  auto a = parse(body, ctx);
  ASSERT_TRUE(a.has_value());
  EXPECT_NE(a->items[0].event->event_id, a->items[1].event->event_id);
  auto again = parse(body, ctx);
  EXPECT_EQ(a->items[0].event->event_id, again->items[0].event->event_id);
  parse_context later = ctx;
  later.received_at = "2026-11-22T03:00:01.000Z";
  EXPECT_NE(a->items[0].event->event_id, parse(body, later)->items[0].event->event_id);
}

TEST(PartnerApi, ItemErrorsNamePreciseFields) {
  struct row {
    std::string body;
    core::errc code;
    std::string field;
  };
  const std::vector<row> table{
      {R"({"contact":{"phones":["0912345678","x"]}})", core::errc::invalid_field, "contact.phones[1]"},
      {R"({"contact":{"email":"not-an-email"}})", core::errc::invalid_field, "contact.email"},
      {R"({"contact":{"phone":"0912345678","ids":{"zalo":"1"}}})", core::errc::invalid_field, "contact.ids"},
      {R"({"contact":{"phone":"0912345678"},"campaign":{"utm_x":"1"}})", core::errc::invalid_field, "campaign.utm_x"},
      {R"({"contact":{"phone":"0912345678"},"consent":{"marketing":"yes"}})", core::errc::invalid_field, "consent.marketing"},
      {R"({"contact":{"phone":"0912345678"},"occurred_at":"yesterday"})", core::errc::invalid_field, "occurred_at"},
      {R"({"contact":{"phone":"0912345678"},"interest":{"program":3}})", core::errc::invalid_field, "interest.program"},
      {R"({"contact":{"phone":"0912345678"},"message":")" + std::string(5000, 'a') + R"("})", core::errc::invalid_field, "message"},
      {R"({"message":"hi"})", core::errc::missing_field, "contact"},
      {R"({"contact":"0912345678"})", core::errc::invalid_field, "contact"},
  };
  for (const auto& t : table) {
    auto r = parse(t.body, ctx);
    ASSERT_TRUE(r.has_value()) << t.body;
    ASSERT_TRUE(r->items.at(0).error.has_value()) << t.body;
    EXPECT_EQ(r->items[0].error->code, t.code) << t.body;
    EXPECT_EQ(r->items[0].error->field, t.field) << t.body;
  }
}

TEST(PartnerApi, WholeRequestErrors) {
  std::string big = R"({"leads":[)";
  for (std::size_t i = 0; i <= max_batch; ++i) big += std::string(i ? "," : "") + "{}";
  big += "]}";
  for (const std::string& body : {std::string("not json"), std::string("[]"), std::string(R"({"leads":[]})"),
                                 std::string(R"({"leads":{}})"), std::string(R"({"leads":[{}],"x":1})"), big}) {
    auto r = parse(body, ctx);
    EXPECT_FALSE(r.has_value()) << body.substr(0, 40);
  }
  auto ok = parse(R"({"leads":[)" + std::string("{}") + "]}", ctx);
  EXPECT_TRUE(ok.has_value());
}

TEST(PartnerApi, ItemStatusJson) {
  auto r = parse(fixture("batch.json"), ctx);
  ASSERT_TRUE(r.has_value());
  auto accepted = item_status(0, r->items[0], "L-1");
  EXPECT_EQ(accepted["index"], 0);
  EXPECT_EQ(accepted["status"], "accepted");
  EXPECT_EQ(accepted["lead_id"], "L-1");
  EXPECT_EQ(accepted["event_id"], r->items[0].event->event_id);
  auto failed = item_status(1, r->items[1]);
  EXPECT_EQ(failed["status"], "error");
  EXPECT_EQ(failed["error"]["code"], "invalid_field");
  EXPECT_EQ(failed["error"]["field"], "leads[1].contact.phone");
  EXPECT_FALSE(failed.contains("lead_id"));
}

}  // namespace
}  // namespace lg::adapters::partner_api
