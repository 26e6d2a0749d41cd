// SMS: Twilio messaging webhooks (signature over a URL with a port and a query string), the
// text as the message, phones/emails in the text recorded but never identity; generic preset.
#include "adapters/sms/mentions.hpp"
#include "adapters/sms/sms.hpp"
#include "adapters/telephony/twilio_signature.hpp"
#include "core/digest.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

namespace lg::adapters {
namespace {

std::string fixture(const std::string& name) { return test_support::fixture("sms", name); }

// Python hmac/base64 over "http://gw.example.vn:8080/v1/hooks/sms/sms-tw?token=abc&x=1" + sorted params.
constexpr const char* inbound_sig = "gOpS0JKEMBR+s+eB7zy6C/nXvK0=";
constexpr const char* target = "/v1/hooks/sms/sms-tw?token=abc&x=1";

config::source_config source() {
  return test_support::source("sms-tw", "sms", "",
                              {{"auth_token", "tw-test-auth-token"}, {"public_base_url", "http://gw.example.vn:8080"}});
}

inbound_request request(std::string body, std::string signature) {
  return test_support::with_header(test_support::post(target, std::move(body), "application/x-www-form-urlencoded"),
                                   "x-twilio-signature", std::move(signature));
}

TEST(SmsTwilio, InboundMessageIsATouchAndMentionsAreNotIdentity) {
  const auto a = sms::make_sms_adapter(source(), "sources[0]");
  const auto out = a->handle(request(fixture("twilio_inbound.form"), inbound_sig));
  ASSERT_TRUE(test_support::has_one_event(out));
  const auto& e = out->events[0];
  EXPECT_EQ(e.event_id, "sms:msg:SM5c7d0e6f1a2b3c4d5e6f708192a3b4c5");
  EXPECT_EQ(e.chan, core::channel::sms);
  EXPECT_EQ(e.message, "Dang ky hoc thu cho con, goi me chau 0987 654 321 hoac email me.chau@example.com");
  EXPECT_EQ(e.contact.phones, std::vector<std::string>{"+84912345678"});
  EXPECT_TRUE(e.contact.emails.empty());
  EXPECT_EQ(e.extra.at("mentioned_phones"), "+84987654321");
  EXPECT_EQ(e.extra.at("mentioned_emails"), "me.chau@example.com");
  EXPECT_EQ(e.extra.at("to_number"), "+18005550100");
  ASSERT_TRUE(out->reply.has_value());
  EXPECT_NE(out->reply->body.find("<Response>"), std::string::npos);
}

TEST(SmsTwilio, ForgedOrWrongUrlIsUnauthorized) {
  const auto a = sms::make_sms_adapter(source(), "sources[0]");
  auto body = fixture("twilio_inbound.form");
  body.replace(body.find("Dang"), 4, "Dung");
  EXPECT_EQ(a->handle(request(body, inbound_sig)).error().code, core::errc::unauthorized);
  auto r = request(fixture("twilio_inbound.form"), inbound_sig);
  r.target = "/v1/hooks/sms/sms-tw?token=abc&x=2";
  EXPECT_EQ(a->handle(r).error().code, core::errc::unauthorized);
  auto other = source();
  other.options["public_base_url"] = "http://gw.example.vn:9090";
  EXPECT_EQ(sms::make_sms_adapter(other, "sources[0]")->handle(request(fixture("twilio_inbound.form"), inbound_sig)).error().code,
            core::errc::unauthorized);
}

TEST(SmsTwilio, OversizedTextIsCutOnACodePoint) {
  auto s = source();
  s.options["max_text_bytes"] = 20;
  const auto a = sms::make_sms_adapter(s, "sources[0]");
  std::string encoded, decoded;
  for (int i = 0; i < 10; ++i) {
    encoded += "%E1%BB%87";  // "ệ", three bytes
    decoded += "\xE1\xBB\x87";
  }
  const web_form::field_list params = {{"MessageSid", "SM1"}, {"From", "0912345678"}, {"Body", decoded}};
  const auto signature = core::base64_encode(
      twilio::compute_signature("tw-test-auth-token", std::string("http://gw.example.vn:8080") + target, params));
  const auto out = a->handle(request("MessageSid=SM1&From=0912345678&Body=" + encoded, signature));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  const auto& m = out->events.at(0).message;
  EXPECT_EQ(m.size(), 18u);  // six 3-byte characters fit in 20 bytes, a seventh would not
  EXPECT_EQ(m.substr(0, 3), "\xE1\xBB\x87");
  EXPECT_EQ(out->events[0].extra.at("body_truncated"), "true");
}

TEST(SmsTwilio, GetWithParamsInTheSignedUrl) {
  const auto a = sms::make_sms_adapter(source(), "sources[0]");
  inbound_request r;
  r.method = "GET";
  r.path = "/v1/hooks/sms/sms-tw";
  r.query = "MessageSid=SM9&From=%2B84912345678&Body=Hi";
  r.target = r.path + "?" + r.query;
  // GET: nothing in the body, the URL (with its query) is all that is signed.
  const auto good = core::base64_encode(twilio::compute_signature("tw-test-auth-token", "http://gw.example.vn:8080" + r.target, {}));
  r.headers.emplace_back("x-twilio-signature", good);
  const auto out = a->handle(r);
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(out->events.at(0).event_id, "sms:msg:SM9");
  EXPECT_EQ(out->events[0].message, "Hi");
  r.method = "PUT";
  EXPECT_EQ(a->handle(r).error().code, core::errc::method_not_allowed);
}

TEST(SmsMentions, FindsValidOnesOnly) {
  const auto m = sms::find_mentions(
      "Con tên An, sđt mẹ 0912.345.678 hoặc +84 987 654 321; mail ME@Example.com. Mã đơn 123456, 2024-05-01, abc0912345678");
  EXPECT_EQ(m.phones, (std::vector<std::string>{"+84912345678", "+84987654321"}));
  EXPECT_EQ(m.emails, std::vector<std::string>{"me@example.com"});
  EXPECT_TRUE(sms::find_mentions("no numbers here, a@b").emails.empty());
  std::string many;
  for (int i = 0; i < 20; ++i) many += "09123456" + std::to_string(10 + i) + " ";
  EXPECT_EQ(sms::find_mentions(many).phones.size(), sms::max_mentions);
}

TEST(SmsGeneric, FieldMapAndSignature) {
  const auto s = test_support::source(
      "sms-local", "sms", "generic",
      {{"signature_header", "x-hub-signature-256"},
       {"secret", "k"},
       {"field_map", {{"message_id", "msg.id"}, {"from", "msg.from"}, {"to", "msg.to"}, {"body", "msg.text"}}}});
  const auto a = sms::make_sms_adapter(s, "sources[1]");
  const std::string body = R"({"msg":{"id":12345,"from":"84912345678","to":"8069","text":"Tư vấn giúp em, email em: lan@example.com"}})";
  inbound_request r;
  r.method = "POST";
  r.body = body;
  r.content_type = "application/json";
  r.headers.emplace_back("x-hub-signature-256", "sha256=" + core::to_hex(core::hmac_sha256("k", body)));
  const auto out = a->handle(r);
  ASSERT_TRUE(out.has_value()) << out.error().message;
  const auto& e = out->events.at(0);
  EXPECT_EQ(e.event_id, "sms:msg:12345");
  EXPECT_EQ(e.contact.phones.at(0), "+84912345678");
  EXPECT_TRUE(e.contact.emails.empty());
  EXPECT_EQ(e.extra.at("mentioned_emails"), "lan@example.com");
  EXPECT_EQ(e.extra.at("to_number_raw"), "8069");
  r.headers.back().second = "sha256=" + core::to_hex(core::hmac_sha256("wrong", body));
  EXPECT_EQ(a->handle(r).error().code, core::errc::unauthorized);
}

}  // namespace
}  // namespace lg::adapters
