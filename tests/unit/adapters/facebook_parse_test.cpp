// The Meta body walker: batched entries and items, Messenger messages and postbacks, Lead Ads
// changes, ignored echoes/receipts, stable event ids, and partial quarantine.
#include "adapters/facebook/facebook.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

namespace lg::adapters::facebook {
namespace {

const parse_context ctx{"fb-main", "2026-11-22T03:00:00.123Z", {}};

adapter_output parse_fixture(const std::string& name, const parse_context& c = ctx) {
  return parse(test_support::fixture("facebook", name), c);
}

TEST(FacebookParse, BatchOfEntriesAndMessagingItems) {
  auto out = parse_fixture("messenger_batch.json");
  EXPECT_FALSE(out.quarantine_reason.has_value()) << out.quarantine_reason.value_or("");
  ASSERT_EQ(out.events.size(), 3u);
  EXPECT_EQ(out.ignored, 3u);  // the echo, the delivery receipt, the read receipt

  const auto& m = out.events[0];
  EXPECT_EQ(m.chan, core::channel::facebook_messenger);
  EXPECT_EQ(m.event_id, "facebook:mid:m_abc");
  EXPECT_EQ(m.message, "Học phí lớp tiếng Anh trẻ em?");
  EXPECT_EQ(m.contact.ids.at("facebook"), "6543210987654321");
  EXPECT_EQ(m.contact.ids.at("facebook_page"), "104857600000001");
  EXPECT_EQ(m.occurred_at, "2024-05-29T16:26:40.000Z");
  EXPECT_EQ(m.extra.at("needs_fetch"), "facebook_profile");

  const auto& p = out.events[1];
  EXPECT_EQ(p.event_id, "facebook:mid:m_def");
  EXPECT_EQ(p.message, "Đăng ký học thử");
  EXPECT_EQ(p.extra.at("fb_postback_payload"), "TRIAL_SIGNUP");
  EXPECT_EQ(p.occurred_at, "2024-05-29T16:26:40.500Z");

  const auto& q = out.events[2];
  EXPECT_EQ(q.event_id, "facebook:mid:m_ghi");
  EXPECT_EQ(q.contact.ids.at("facebook"), "7777777777777777");
  EXPECT_EQ(q.contact.ids.at("facebook_page"), "104857600000002");
  EXPECT_EQ(q.extra.at("fb_quick_reply"), "HELLO");
}

TEST(FacebookParse, PhoneQuickReplySharesThePhoneOtherPayloadsDoNot) {
  auto body = [](const std::string& payload) {
    return R"({"object":"page","entry":[{"id":"1048","messaging":[{"sender":{"id":"6543"},"recipient":{"id":"1048"},)"
           R"("timestamp":1717000000000,"message":{"mid":"m_q","text":"x","quick_reply":{"payload":")" +
           payload + R"("}}}]}]})";
  };
  auto phone = parse(body("+84912345678"), ctx);
  ASSERT_EQ(phone.events.size(), 1u);
  EXPECT_EQ(phone.events[0].contact.phones, std::vector<std::string>{"+84912345678"});
  EXPECT_EQ(phone.events[0].extra.at("fb_quick_reply"), "+84912345678");
  for (const char* p : {"0912345678", "TRIAL_SIGNUP", "+12"}) {
    auto other = parse(body(p), ctx);
    ASSERT_EQ(other.events.size(), 1u) << p;
    EXPECT_TRUE(other.events[0].contact.phones.empty()) << p;
  }
}

TEST(FacebookParse, PostbackWithoutMidIsKeyedByPsidAndTime) {
  auto out = parse_fixture("postback_no_mid.json");
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].event_id, "facebook:postback:6543210987654321:1717000000999");
  EXPECT_EQ(out.events[0].message, "Bắt đầu");
}

TEST(FacebookParse, LeadgenChangeNamesTheLeadToFetch) {
  auto out = parse_fixture("leadgen.json");
  EXPECT_FALSE(out.quarantine_reason.has_value());
  ASSERT_EQ(out.events.size(), 1u);
  const auto& e = out.events[0];
  EXPECT_EQ(e.chan, core::channel::facebook_lead_ads);
  EXPECT_EQ(e.event_id, "facebook:lead:1234567890123456");
  EXPECT_EQ(e.contact.ids.at("facebook_lead"), "1234567890123456");
  EXPECT_EQ(e.contact.ids.at("facebook_page"), "104857600000001");
  EXPECT_EQ(e.extra.at("fb_form_id"), "555000111");
  EXPECT_EQ(e.extra.at("fb_ad_id"), "23850000000000002");
  EXPECT_EQ(e.extra.at("fb_adgroup_id"), "23850000000000001");
  EXPECT_EQ(e.extra.at("needs_fetch"), "facebook_lead");
  EXPECT_EQ(e.occurred_at, "2024-05-29T16:26:40.000Z");
  EXPECT_TRUE(e.contact.phones.empty());
}

TEST(FacebookParse, ReplayedDeliveryKeepsItsEventIds) {
  auto a = parse_fixture("leadgen.json");
  auto b = parse_fixture("leadgen.json");
  ASSERT_EQ(a.events.size(), 1u);
  ASSERT_EQ(b.events.size(), 1u);
  EXPECT_EQ(a.events[0].event_id, b.events[0].event_id);
}

TEST(FacebookParse, OneBadItemDoesNotLoseTheOthers) {
  auto out = parse_fixture("partly_bad.json");
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[0].event_id, "facebook:mid:m_ok");
  EXPECT_EQ(out.events[1].event_id, "facebook:lead:999000");
  ASSERT_TRUE(out.quarantine_reason.has_value());
  const auto& r = *out.quarantine_reason;
  EXPECT_NE(r.find("entry[0].messaging[0]: sender.id"), std::string::npos) << r;
  EXPECT_NE(r.find("entry[0].changes[0]: value.leadgen_id"), std::string::npos) << r;
  EXPECT_NE(r.find("entry[1]:"), std::string::npos) << r;
}

TEST(FacebookParse, NonPageObjectsAndGarbageAreQuarantined) {
  EXPECT_TRUE(parse_fixture("instagram.json").quarantine_reason.has_value());
  for (const std::string body : {"", "[]", "{", R"({"object":"page"})", R"({"object":"page","entry":{}})"}) {
    auto out = parse(body, ctx);
    EXPECT_TRUE(out.events.empty()) << body;
    EXPECT_TRUE(out.quarantine_reason.has_value()) << body;
  }
}

TEST(FacebookParse, PagesOutsideTheSourceAreQuarantined) {
  parse_context c = ctx;
  c.page_ids = {"104857600000002"};
  auto out = parse_fixture("messenger_batch.json", c);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].event_id, "facebook:mid:m_ghi");
  ASSERT_TRUE(out.quarantine_reason.has_value());
  EXPECT_NE(out.quarantine_reason->find("page 104857600000001"), std::string::npos);
}

TEST(FacebookParse, OtherChangeFieldsAreIgnored) {
  auto out = parse(R"({"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{}}]}]})", ctx);
  EXPECT_TRUE(out.events.empty());
  EXPECT_EQ(out.ignored, 1u);
  EXPECT_FALSE(out.quarantine_reason.has_value());
}

TEST(FacebookParse, ItemCountIsBounded) {
  std::string body = R"({"object":"page","entry":[{"id":"1","messaging":[)";
  for (std::size_t i = 0; i < max_items + 5; ++i) {
    if (i) body += ",";
    body += R"({"sender":{"id":"9"},"timestamp":1,"message":{"mid":"m)" + std::to_string(i) + R"("}})";
  }
  body += "]}]}";
  auto out = parse(body, ctx);
  EXPECT_EQ(out.events.size(), max_items);
  ASSERT_TRUE(out.quarantine_reason.has_value());
  EXPECT_NE(out.quarantine_reason->find("more items"), std::string::npos);
}

}  // namespace
}  // namespace lg::adapters::facebook
