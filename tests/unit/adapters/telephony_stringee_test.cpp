// Stringee hotline events: signature (valid, forged, missing), answered vs missed, ignored
// statuses, quarantine of authentic garbage, and the factory's option checks.
#include "core/digest.hpp"
#include "adapters/telephony/telephony.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

// Its own namespace: the test programs are unity builds, and the helper names repeat.
namespace lg::adapters::telephony_stringee_test {
namespace {

std::string fixture(const std::string& name) { return test_support::fixture("telephony", name); }

config::source_config source(nlohmann::json options) {
  return test_support::source("hotline-hn", "hotline", "stringee", std::move(options));
}

inbound_request request(std::string body, std::string signature = {}) {
  auto r = test_support::post("/v1/hooks/telephony/hotline-hn", std::move(body), "application/json");
  r.source_id = "hotline-hn";
  r.remote_ip = "203.0.113.7";
  return test_support::with_header(std::move(r), "x-stringee-signature", std::move(signature));
}

// Base64(HMAC-SHA1("stringee-secret", stringee_answered.json)), computed with Python's hmac.
constexpr const char* answered_sig = "hCQmcJHx6/PmaVOjNAe35thsLWQ=";

auto adapter() { return telephony::make_telephony_adapter(source({{"signing_secret", "stringee-secret"}}), "sources[0]"); }

TEST(TelephonyStringee, SignedAnsweredCallIsAHotlineTouch) {
  const auto out = adapter()->handle(request(fixture("stringee_answered.json"), answered_sig));
  ASSERT_TRUE(test_support::has_one_event(out));
  EXPECT_FALSE(out->quarantine_reason);
  const auto& e = out->events[0];
  EXPECT_EQ(e.event_id, "hotline:call:call-vn-1-8F3KD2-1717000000000");
  EXPECT_EQ(e.chan, core::channel::hotline);
  EXPECT_EQ(e.source, "hotline-hn");
  ASSERT_EQ(e.contact.phones.size(), 1u);
  EXPECT_EQ(e.contact.phones[0], "+84912345678");
  EXPECT_EQ(e.extra.at("called_number"), "+842473001234");
  EXPECT_EQ(e.extra.at("missed_call"), "false");
  EXPECT_EQ(e.extra.at("call_duration_s"), "65");
  EXPECT_EQ(e.occurred_at, "2024-05-29T16:27:45.000Z");
  EXPECT_EQ(e.received_at, "2026-11-22T03:00:00.123Z");
  EXPECT_EQ(e.client.ip, "203.0.113.7");
  EXPECT_EQ(e.message, "Cuộc gọi đến (65 giây)");
}

TEST(TelephonyStringee, ACallerIdTheMetadataDoesNotKnowIsKeptUnverified) {
  auto body = nlohmann::json::parse(fixture("stringee_answered.json"));
  body["from"]["number"] = "84891180920";
  const auto raw = body.dump();
  const auto out = adapter()->handle(request(raw, core::base64_encode(core::hmac_sha1("stringee-secret", raw))));
  ASSERT_TRUE(test_support::has_one_event(out));
  const auto& c = out->events[0].contact;
  EXPECT_EQ(c.phones, std::vector<std::string>{"+84891180920"});
  EXPECT_EQ(c.unverified_phones, std::vector<std::string>{"+84891180920"});
  EXPECT_TRUE(c.invalid_phones.empty());
}

TEST(TelephonyStringee, ForgedSignatureIsUnauthorized) {
  auto body = fixture("stringee_answered.json");
  body[body.find("84912345678")] = '9';  // tampered caller, old signature
  const auto out = adapter()->handle(request(body, answered_sig));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, core::errc::unauthorized);
  const auto wrong = adapter()->handle(request(fixture("stringee_answered.json"), "AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, core::errc::unauthorized);
  const auto not_b64 = adapter()->handle(request(fixture("stringee_answered.json"), "%%%not base64%%%"));
  ASSERT_FALSE(not_b64.has_value());
  EXPECT_EQ(not_b64.error().code, core::errc::unauthorized);
}

TEST(TelephonyStringee, MissingSignatureIsUnauthorizedWhenASecretIsSet) {
  const auto out = adapter()->handle(request(fixture("stringee_answered.json")));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, core::errc::unauthorized);
}

TEST(TelephonyStringee, MissedCallIsFlaggedLead) {
  auto s = source(nlohmann::json::object());
  s.token = "tok-1";
  auto a = telephony::make_telephony_adapter(s, "sources[0]");
  auto r = request(fixture("stringee_missed.json"));
  r.query = "token=tok-1";
  r.target += "?token=tok-1";
  const auto out = a->handle(r);
  ASSERT_TRUE(test_support::has_one_event(out));
  const auto& e = out->events[0];
  EXPECT_EQ(e.extra.at("missed_call"), "true");
  EXPECT_EQ(e.message, "Cuộc gọi nhỡ");
  EXPECT_EQ(e.contact.phones.at(0), "+84987654321");
  EXPECT_EQ(e.event_id, "hotline:call:call-vn-1-9QW7ZX-1717000100000");

  auto wrong = request(fixture("stringee_missed.json"));
  wrong.query = "token=nope";
  const auto bad = a->handle(wrong);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, core::errc::unauthorized);
}

TEST(TelephonyStringee, AnsweredTimeSetButNoTalkTimeIsMissed) {
  auto j = nlohmann::json::parse(fixture("stringee_answered.json"));
  j["answerDuration"] = 0;
  auto s = source(nlohmann::json::object());
  s.token = "t";
  auto r = request(j.dump());
  r.query = "token=t";
  const auto out = telephony::make_telephony_adapter(s, "sources[0]")->handle(r);
  ASSERT_TRUE(out.has_value());
  ASSERT_EQ(out->events.size(), 1u);
  EXPECT_EQ(out->events[0].extra.at("missed_call"), "true");
}

TEST(TelephonyStringee, RingingAndOutboundAreIgnored) {
  auto s = source(nlohmann::json::object());
  s.token = "t";
  const auto a = telephony::make_telephony_adapter(s, "sources[0]");
  for (const char* f : {"stringee_ringing.json", "stringee_outbound.json"}) {
    auto r = request(fixture(f));
    r.query = "token=t";
    const auto out = a->handle(r);
    ASSERT_TRUE(out.has_value()) << f;
    EXPECT_TRUE(out->events.empty()) << f;
    EXPECT_EQ(out->ignored, 1u) << f;
    EXPECT_FALSE(out->quarantine_reason) << f;
  }
}

TEST(TelephonyStringee, AuthenticGarbageIsQuarantined) {
  auto s = source(nlohmann::json::object());
  s.token = "t";
  const auto a = telephony::make_telephony_adapter(s, "sources[0]");
  for (const std::string body : {"{not json", "[1,2]", R"({"call_status":"ended"})",
                                 R"({"call_id":"has space","call_status":"ended"})",
                                 R"({"call_id":"c1","call_status":"ended","from":{}})"}) {
    auto r = request(body);
    r.query = "token=t";
    const auto out = a->handle(r);
    ASSERT_TRUE(out.has_value()) << body;
    EXPECT_TRUE(out->quarantine_reason.has_value()) << body;
    EXPECT_TRUE(out->events.empty()) << body;
  }
}

TEST(TelephonyStringee, BoundsAndMethod) {
  auto s = source({{"max_body_bytes", 300}});
  s.token = "t";
  const auto a = telephony::make_telephony_adapter(s, "sources[0]");
  auto big = request(std::string(301, ' '));
  big.query = "token=t";
  ASSERT_FALSE(a->handle(big).has_value());
  EXPECT_EQ(a->handle(big).error().code, core::errc::payload_too_large);
  auto get = request("{}");
  get.method = "GET";
  EXPECT_EQ(a->handle(get).error().code, core::errc::method_not_allowed);
}

TEST(TelephonyStringee, FactoryNamesTheBadOption) {
  test_support::expect_config_error(
      [] { telephony::make_telephony_adapter(source(nlohmann::json::object()), "sources[4]"); },
      "sources[4].options.signing_secret", "an unauthenticated source (it must not build)");
  test_support::expect_config_error(
      [] { telephony::make_telephony_adapter(source({{"signing_secret", "x"}, {"signin_secret", "typo"}}), "sources[1]"); },
      "sources[1].options.signin_secret: unknown option", "a misspelt option");
  auto s = source({{"signing_secret", "x"}});
  s.preset = "vht";
  EXPECT_THROW(telephony::make_telephony_adapter(s, "sources[0]"), config::config_error);
}

}  // namespace
}  // namespace lg::adapters::telephony_stringee_test
