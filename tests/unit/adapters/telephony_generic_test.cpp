// The generic hotline preset: field map into JSON and forms, HMAC-SHA256 header (hex, base64,
// "sha256=" prefix), status lists, and config errors.
#include "adapters/telephony/generic_payload.hpp"
#include "adapters/telephony/telephony.hpp"
#include "core/digest.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

#include <cctype>

// Its own namespace: the test programs are unity builds, and the helper names repeat.
namespace lg::adapters::telephony_generic_test {
namespace {

std::string fixture(const std::string& name) { return test_support::fixture("telephony", name); }

// hex(HMAC-SHA256("generic-secret", generic_ended.json)), computed with Python's hmac.
constexpr const char* ended_hex = "3c7f83f397a75b603e04ae0dcb14988cf0ede68320c5e4bfa67e1e9a0d1b7916";

config::source_config source() {
  return test_support::source(
      "vht", "hotline", "generic",
      {{"signature_header", "X-Signature"},
       {"secret", "generic-secret"},
       {"field_map",
        {{"call_id", "data.id"}, {"from", "data.caller"}, {"to", "data.callee"}, {"status", "data.state"},
         {"answered_time", "data.answer_at"}, {"duration", "data.talk_seconds"}}}});
}

inbound_request request(std::string body, std::string signature, std::string type = "application/json") {
  return test_support::with_header(test_support::post("/v1/hooks/telephony/vht", std::move(body), std::move(type)),
                                   "x-signature", std::move(signature));
}

TEST(TelephonyGeneric, HmacHeaderForms) {
  const std::string body = fixture("generic_ended.json");
  const auto mac = core::hmac_sha256("generic-secret", body);
  EXPECT_EQ(core::to_hex(mac), ended_hex);
  EXPECT_TRUE(generic::hmac_header_ok("generic-secret", body, ended_hex));
  std::string upper = ended_hex;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(generic::hmac_header_ok("generic-secret", body, upper));
  EXPECT_TRUE(generic::hmac_header_ok("generic-secret", body, std::string("sha256=") + ended_hex));
  EXPECT_TRUE(generic::hmac_header_ok("generic-secret", body, core::base64_encode(mac)));
  EXPECT_FALSE(generic::hmac_header_ok("other", body, ended_hex));
  EXPECT_FALSE(generic::hmac_header_ok("generic-secret", body + " ", ended_hex));
  EXPECT_FALSE(generic::hmac_header_ok("generic-secret", body, ""));
  EXPECT_FALSE(generic::hmac_header_ok("generic-secret", body, "sha256="));
}

TEST(TelephonyGeneric, JsonPathsMakeACall) {
  const auto a = telephony::make_telephony_adapter(source(), "sources[2]");
  const auto out = a->handle(request(fixture("generic_ended.json"), ended_hex));
  ASSERT_TRUE(test_support::has_one_event(out));
  const auto& e = out->events[0];
  EXPECT_EQ(e.event_id, "hotline:call:vht-20261122-000123");
  EXPECT_EQ(e.contact.phones.at(0), "+84912345678");
  EXPECT_EQ(e.extra.at("missed_call"), "false");
  EXPECT_EQ(e.extra.at("call_duration_s"), "95");
  EXPECT_EQ(e.extra.at("call_status"), "hangup");
  // "1900 6868" is not an E.164-able subscriber number everywhere; either way it is kept.
  EXPECT_TRUE(e.extra.contains("called_number") || e.extra.contains("called_number_raw"));
}

TEST(TelephonyGeneric, ForgedOrMissingSignature) {
  const auto a = telephony::make_telephony_adapter(source(), "sources[2]");
  auto body = fixture("generic_ended.json");
  body.replace(body.find("0912"), 4, "0913");
  EXPECT_EQ(a->handle(request(body, ended_hex)).error().code, core::errc::unauthorized);
  EXPECT_EQ(a->handle(request(fixture("generic_ended.json"), "")).error().code, core::errc::unauthorized);
}

TEST(TelephonyGeneric, FormBodyStatusesAndAnsweredTime) {
  auto s = source();
  s.options.erase("signature_header");
  s.options.erase("secret");
  s.token = "form-token";
  s.options["field_map"] = {{"call_id", "id"}, {"from", "caller"}, {"status", "state"}, {"answered_time", "answered"}};
  const auto a = telephony::make_telephony_adapter(s, "sources[2]");
  auto run = [&](std::string body) {
    auto r = request(std::move(body), "", "application/x-www-form-urlencoded");
    r.headers.emplace_back("x-leadgate-token", "form-token");
    return a->handle(r);
  };
  auto missed = run("id=c-1&caller=0987654321&state=NO-ANSWER&answered=0");
  ASSERT_TRUE(missed.has_value()) << missed.error().message;
  EXPECT_EQ(missed->events.at(0).extra.at("missed_call"), "true");
  auto unanswered = run("id=c-2&caller=0987654321&state=hangup&answered=");
  EXPECT_EQ(unanswered->events.at(0).extra.at("missed_call"), "true");
  auto answered = run("id=c-3&caller=0987654321&state=hangup&answered=1763780000");
  EXPECT_EQ(answered->events.at(0).extra.at("missed_call"), "false");
  auto ringing = run("id=c-4&caller=0987654321&state=Ringing");
  EXPECT_TRUE(ringing->events.empty());
  EXPECT_EQ(ringing->ignored, 1u);
  auto no_id = run("caller=0987654321&state=hangup");
  EXPECT_TRUE(no_id->quarantine_reason.has_value());
  auto r = request("id=c-5&caller=1", "", "application/x-www-form-urlencoded");
  EXPECT_EQ(a->handle(r).error().code, core::errc::unauthorized);  // no token
}

TEST(TelephonyGeneric, ConfigErrors) {
  auto open = source();
  open.options.erase("signature_header");
  EXPECT_THROW(telephony::make_telephony_adapter(open, "sources[0]"), config::config_error);
  auto no_map = source();
  no_map.options.erase("field_map");
  EXPECT_THROW(telephony::make_telephony_adapter(no_map, "sources[0]"), config::config_error);
  auto no_from = source();
  no_from.options["field_map"].erase("from");
  try {
    telephony::make_telephony_adapter(no_from, "sources[7]");
    FAIL();
  } catch (const config::config_error& e) {
    EXPECT_STREQ(e.what(), "sources[7].options.field_map.from: required");
  }
  auto bad_list = source();
  bad_list.options["missed_statuses"] = "busy";
  EXPECT_THROW(telephony::make_telephony_adapter(bad_list, "sources[0]"), config::config_error);
}

}  // namespace
}  // namespace lg::adapters::telephony_generic_test
