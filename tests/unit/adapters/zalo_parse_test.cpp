// The Zalo parser on every documented event kind: both user_submit_info shapes, message
// touches, follows, ignored deliveries, idempotency keys and exact big-integer ids.
#include "adapters/zalo/zalo.hpp"
#include "unit/adapters/adapter_test_support.hpp"
#include "zalo_test_support.hpp"

#include <gtest/gtest.h>

namespace lg::adapters::zalo {
namespace {

using namespace zalo::test;

const parse_context ctx{"zalo-main", "2026-11-22T03:00:00.123Z", ""};

adapter_output parse_fixture(const std::string& name) { return parse(fixture(name), ctx); }

// One phone (normalized), the street address and the city of a submitted contact.
void expect_phone_and_address(const core::contact_info& c, const std::string& phone, const std::string& address,
                              const std::string& city) {
  ASSERT_EQ(c.phones.size(), 1u);
  EXPECT_EQ(c.phones[0], phone);
  EXPECT_EQ(c.address, address);
  EXPECT_EQ(c.city, city);
}

core::lead_event only_event(const adapter_output& out) {  // a copy: callers pass temporaries
  EXPECT_FALSE(out.quarantine_reason.has_value()) << out.quarantine_reason.value_or("");
  EXPECT_EQ(out.events.size(), 1u);
  return out.events.at(0);
}

TEST(ZaloParse, SubmitInfoFlatShapeIsAFullContact) {
  auto out = parse_fixture("user_submit_info_flat.json");
  const auto& e = only_event(out);
  EXPECT_EQ(e.chan, core::channel::zalo);
  EXPECT_EQ(e.event_id, "zalo:user_submit_info:2468458835296979220:1717000000000");
  test_support::expect_name(e.contact, "Nguyễn Thị Lan", "Nguyễn", "Thị Lan");
  expect_phone_and_address(e.contact, "+84912345678", "12 Lê Lợi", "Hà Nội");
  EXPECT_EQ(e.extra.at("district"), "Hoàn Kiếm");
  EXPECT_EQ(e.extra.at("ward"), "Tràng Tiền");
  EXPECT_EQ(e.contact.ids.at("zalo"), "2468458835296979220");
  EXPECT_EQ(e.contact.ids.at("zalo_oa"), "3886132808798806450");
  EXPECT_EQ(e.extra.at("zalo_user_id_by_app"), "5521727797175877300");
  EXPECT_EQ(e.extra.at("zalo_event"), "user_submit_info");
  EXPECT_EQ(e.occurred_at, "2024-05-29T16:26:40.000Z");
  EXPECT_FALSE(e.extra.contains("needs_fetch"));  // the phone is already there
}

TEST(ZaloParse, SubmitInfoNestedShapeIsAFullContact) {
  auto out = parse_fixture("user_submit_info_nested.json");
  const auto& e = only_event(out);
  EXPECT_EQ(e.contact.full_name, "Trần Văn Minh");
  expect_phone_and_address(e.contact, "+84987654321", "45 Nguyễn Trãi", "Hồ Chí Minh");
  EXPECT_EQ(e.extra.at("ward"), "Phường 7");
  EXPECT_EQ(e.extra.at("date_of_birth"), "01/02/2010");
  EXPECT_EQ(e.extra.at("gender"), "male");
}

TEST(ZaloParse, BadPhoneIsKeptAsInvalidNotDropped) {
  const std::string body =
      R"({"event_name":"user_submit_info","timestamp":"1","sender":{"id":"7"},"recipient":{"id":"9"},"info":{"name":"An","phone":"12ab"}})";
  const auto& e = only_event(parse(body, ctx));
  EXPECT_TRUE(e.contact.phones.empty());
  ASSERT_EQ(e.contact.invalid_phones.size(), 1u);
  EXPECT_EQ(e.contact.invalid_phones[0], "12ab");
}

TEST(ZaloParse, TextMessageIsATouch) {
  auto out = parse_fixture("user_send_text.json");
  const auto& e = only_event(out);
  EXPECT_EQ(e.event_id, "zalo:msg:9f2b1c0d4e5a6b7c8d9e");
  EXPECT_EQ(e.message, "Cho mình hỏi học phí lớp IELTS?");
  EXPECT_EQ(e.contact.ids.at("zalo"), "2468458835296979220");
  EXPECT_TRUE(e.contact.phones.empty());
  EXPECT_EQ(e.extra.at("needs_fetch"), "zalo_profile");
}

TEST(ZaloParse, MediaMessagesLeaveAShortText) {
  EXPECT_EQ(only_event(parse_fixture("user_send_image.json")).message, "[image] https://example.com/photo.jpg");
  EXPECT_EQ(only_event(parse_fixture("user_send_location.json")).message, "[location] 21.028500,105.854200");
}

TEST(ZaloParse, WithoutMsgIdTheKeyIsEventSenderTimestamp) {
  const auto& e = only_event(parse_fixture("no_msg_id.json"));
  EXPECT_EQ(e.event_id, "zalo:user_send_sticker:2468458835296979220:1717000011000");
  EXPECT_EQ(e.message, "[sticker] https://example.com/s.png");
}

TEST(ZaloParse, AnonymousTextIsATouchWithoutIdentity) {
  const auto& e = only_event(parse_fixture("anonymous_send_text.json"));
  EXPECT_EQ(e.event_id, "zalo:msg:anonmsg1");
  EXPECT_EQ(e.message, "Trung tâm ở đâu ạ?");
  EXPECT_FALSE(e.contact.ids.contains("zalo"));
  EXPECT_EQ(e.extra.at("zalo_anonymous_id"), "anon-7f3a9c");
}

TEST(ZaloParse, FollowAndUnfollowAreTouches) {
  const auto& f = only_event(parse_fixture("follow.json"));
  EXPECT_EQ(f.event_id, "zalo:follow:2468458835296979220:1717000006000");
  EXPECT_EQ(f.contact.ids.at("zalo"), "2468458835296979220");
  EXPECT_EQ(f.contact.ids.at("zalo_oa"), "3886132808798806450");
  EXPECT_EQ(f.extra.at("zalo_event"), "follow");
  EXPECT_EQ(f.extra.at("zalo_follow_source"), "oa_profile");
  const auto& u = only_event(parse_fixture("unfollow.json"));
  EXPECT_EQ(u.event_id, "zalo:unfollow:2468458835296979220:1717000007000");
  EXPECT_EQ(u.extra.at("zalo_event"), "unfollow");
}

TEST(ZaloParse, OaSideAndUnknownEventsAreIgnoredAndCounted) {
  for (const char* name : {"user_seen_message.json", "oa_send_text.json", "unknown_event.json"}) {
    auto out = parse_fixture(name);
    EXPECT_TRUE(out.events.empty()) << name;
    EXPECT_EQ(out.ignored, 1u) << name;
    EXPECT_FALSE(out.quarantine_reason.has_value()) << name;
  }
}

TEST(ZaloParse, BigIntegerIdsStayExactStrings) {
  const auto& e = only_event(parse_fixture("numeric_ids.json"));
  EXPECT_EQ(e.contact.ids.at("zalo"), "18446744073709551615");
  EXPECT_EQ(e.contact.ids.at("zalo_oa"), "9007199254740993");  // 2^53 + 1: a double would say ...992
  EXPECT_EQ(e.occurred_at, "2024-05-29T16:26:50.000Z");
}

TEST(ZaloParse, DefaultOaScopesUserIdsWhenTheBodyNamesNone) {
  const std::string body = R"({"event_name":"user_send_text","timestamp":"5","sender":{"id":"7"},"message":{"text":"hi"}})";
  parse_context c = ctx;
  c.default_oa = "oa-from-config";
  const auto& e = only_event(parse(body, c));
  EXPECT_EQ(e.contact.ids.at("zalo_oa"), "oa-from-config");
  EXPECT_EQ(e.event_id, "zalo:user_send_text:7:5");
}

TEST(ZaloParse, UnparseableBodiesAreQuarantined) {
  for (const std::string body : {"", "[]", "\"x\"", "{", R"({"event_name":3})",
                                 R"({"event_name":"user_send_text","timestamp":"1"})",
                                 R"({"event_name":"user_send_text","sender":{"id":"a:b"},"timestamp":"1"})",
                                 R"({"event_name":"follow","follower":{},"timestamp":"1"})",
                                 R"({"event_name":"user_send_text","sender":{"id":"7"}})"}) {
    auto out = parse(body, ctx);
    EXPECT_TRUE(out.events.empty()) << body;
    EXPECT_TRUE(out.quarantine_reason.has_value()) << body;
  }
}

TEST(ZaloParse, InvalidUtf8AndHugeTextAreBounded) {
  std::string big(10000, 'a');
  const std::string body = R"({"event_name":"user_send_text","timestamp":"1","sender":{"id":"7"},"message":{"text":")" + big + R"("}})";
  const auto& e = only_event(parse(body, ctx));
  EXPECT_EQ(e.message.size(), 4096u);
}

TEST(ZaloParse, NumericPhoneIsReadDigitExact) {
  const std::string body =
      R"({"event_name":"user_submit_info","timestamp":"1","sender":{"id":"7"},"info":{"name":"An","phone":84912345678}})";
  const auto& e = only_event(parse(body, ctx));
  EXPECT_EQ(e.contact.phones, std::vector<std::string>{"+84912345678"});
}

TEST(ZaloParse, EventSerializesToTheLeadEventContract) {
  const auto e = only_event(parse_fixture("user_submit_info_flat.json"));
  const nlohmann::json j = e;
  EXPECT_EQ(j.at("channel"), "zalo");
  EXPECT_EQ(j.at("event_id"), "zalo:user_submit_info:2468458835296979220:1717000000000");
  EXPECT_EQ(j.at("contact").at("ids").at("zalo"), "2468458835296979220");
  EXPECT_TRUE(j.at("contact").at("ids").at("zalo").is_string());
  EXPECT_EQ(j.at("contact").at("phones").at(0), "+84912345678");
}

}  // namespace
}  // namespace lg::adapters::zalo
