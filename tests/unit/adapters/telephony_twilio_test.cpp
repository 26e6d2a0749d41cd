// Twilio voice: the URL+sorted-params signature (checked against independently computed
// values), ports and query strings, forged/wrong URL, and the call-status handling.
#include "adapters/telephony/telephony.hpp"
#include "adapters/telephony/twilio_signature.hpp"
#include "core/digest.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

// Its own namespace: the test programs are unity builds, and the helper names repeat.
namespace lg::adapters::telephony_twilio_test {
namespace {

std::string fixture(const std::string& name) { return test_support::fixture("telephony", name); }

constexpr const char* token = "tw-test-auth-token";
constexpr const char* target = "/v1/hooks/telephony/hotline-tw?branch=hn";
// Expected signatures below were computed with Python's hmac/base64 over the fixture params.
constexpr const char* sig_no_port = "H4h/P2vh6iY6gkV14RaYcdPfm/g=";
constexpr const char* sig_port_443 = "q7W315jI0pbqVS9gyiNCdcEqm1Y=";
constexpr const char* sig_port_8443 = "hj/PMkVKUDD/GP3RiQJ6l60udLg=";

config::source_config source(std::string base) {
  auto s = test_support::source("hotline-tw", "hotline", "twilio", {{"auth_token", token}});
  if (!base.empty()) s.options["public_base_url"] = base;
  return s;
}

inbound_request request(std::string body, std::string signature, std::string tgt = target) {
  auto r = test_support::post(tgt, std::move(body), "application/x-www-form-urlencoded; charset=utf-8");
  r.headers.emplace_back("host", "10.0.0.5:8080");
  return test_support::with_header(std::move(r), "x-twilio-signature", std::move(signature));
}

TEST(TelephonyTwilioSignature, MatchesTwilioDocumentedExample) {
  // The worked example of Twilio's webhook security documentation.
  const web_form::field_list params = {{"To", "+18005551212"}, {"CallSid", "CA1234567890ABCDE"},
                                       {"Caller", "+12349013030"}, {"Digits", "1234"}, {"From", "+12349013030"}};
  EXPECT_EQ(core::base64_encode(twilio::compute_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)),
            "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
}

TEST(TelephonyTwilioSignature, SortsByNameThenValue) {
  const web_form::field_list a = {{"b", "2"}, {"a", "y"}, {"a", "x"}};
  const web_form::field_list b = {{"a", "x"}, {"a", "y"}, {"b", "2"}};
  EXPECT_EQ(twilio::compute_signature("k", "https://h/p", a), twilio::compute_signature("k", "https://h/p", b));
  EXPECT_EQ(twilio::compute_signature("k", "https://h/p", b), core::hmac_sha1("k", "https://h/paxayb2"));
}

TEST(TelephonyTwilioSignature, UrlVariants) {
  using v = std::vector<std::string>;
  EXPECT_EQ(twilio::url_variants("https://h.vn/a?b=1"), (v{"https://h.vn/a?b=1", "https://h.vn:443/a?b=1"}));
  EXPECT_EQ(twilio::url_variants("https://h.vn:8443/a"), (v{"https://h.vn/a", "https://h.vn:8443/a"}));
  EXPECT_EQ(twilio::url_variants("http://[::1]:8080/x"), (v{"http://[::1]/x", "http://[::1]:8080/x"}));
  EXPECT_EQ(twilio::request_url("https://h.vn/gw/", "/v1/x?a=1"), "https://h.vn/gw/v1/x?a=1");
}

TEST(TelephonyTwilioVoice, CompletedInboundCallIsATouch) {
  const auto a = telephony::make_telephony_adapter(source("https://hooks.example.vn"), "sources[0]");
  const auto out = a->handle(request(fixture("twilio_voice_completed.form"), sig_no_port));
  ASSERT_TRUE(test_support::has_one_event(out));
  const auto& e = out->events[0];
  EXPECT_EQ(e.event_id, "hotline:call:CA1f2e3d4c5b6a79880123456789abcdef");
  EXPECT_EQ(e.contact.phones.at(0), "+84912345678");
  EXPECT_EQ(e.extra.at("called_number"), "+842473001234");
  EXPECT_EQ(e.extra.at("missed_call"), "false");
  EXPECT_EQ(e.extra.at("call_duration_s"), "42");
  // The query is signed, so its params are authentic and readable.
  EXPECT_EQ(e.chan, core::channel::hotline);
}

TEST(TelephonyTwilioVoice, PortIsAcceptedWithAndWithout) {
  // Base without a port: Twilio may sign with ":443" added or not.
  const auto a = telephony::make_telephony_adapter(source("https://hooks.example.vn"), "sources[0]");
  EXPECT_TRUE(a->handle(request(fixture("twilio_voice_completed.form"), sig_port_443)).has_value());
  // Base with a non-default port: the signature without the port (https) and with it both verify.
  const auto b = telephony::make_telephony_adapter(source("https://hooks.example.vn:8443"), "sources[0]");
  EXPECT_TRUE(b->handle(request(fixture("twilio_voice_completed.form"), sig_no_port)).has_value());
  EXPECT_TRUE(b->handle(request(fixture("twilio_voice_completed.form"), sig_port_8443)).has_value());
  // A port the base URL does not have is not accepted.
  EXPECT_FALSE(a->handle(request(fixture("twilio_voice_completed.form"), sig_port_8443)).has_value());
}

TEST(TelephonyTwilioVoice, ForgedOrWrongUrlIsUnauthorized) {
  const auto a = telephony::make_telephony_adapter(source("https://hooks.example.vn"), "sources[0]");
  auto body = fixture("twilio_voice_completed.form");
  body.replace(body.find("CallDuration=42"), 15, "CallDuration=43");
  const auto forged = a->handle(request(body, sig_no_port));
  ASSERT_FALSE(forged.has_value());
  EXPECT_EQ(forged.error().code, core::errc::unauthorized);
  // Same params, different query string: the URL is part of what is signed.
  const auto other_url =
      a->handle(request(fixture("twilio_voice_completed.form"), sig_no_port, "/v1/hooks/telephony/hotline-tw?branch=hcm"));
  ASSERT_FALSE(other_url.has_value());
  EXPECT_EQ(other_url.error().code, core::errc::unauthorized);
  const auto other_host = telephony::make_telephony_adapter(source("https://evil.example.vn"), "sources[0]")
                              ->handle(request(fixture("twilio_voice_completed.form"), sig_no_port));
  EXPECT_FALSE(other_host.has_value());
  const auto missing = a->handle(request(fixture("twilio_voice_completed.form"), ""));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, core::errc::unauthorized);
}

TEST(TelephonyTwilioVoice, NoAnswerIsAMissedCall) {
  const auto a = telephony::make_telephony_adapter(source("https://hooks.example.vn"), "sources[0]");
  const auto out =
      a->handle(request(fixture("twilio_voice_no_answer.form"), "MbGnjRe5bKcTeQug3zkczLqbwx8=", "/v1/hooks/telephony/hotline-tw"));
  ASSERT_TRUE(test_support::has_one_event(out));
  EXPECT_EQ(out->events[0].extra.at("missed_call"), "true");
  EXPECT_EQ(out->events[0].message, "Cuộc gọi nhỡ");
  EXPECT_EQ(out->events[0].contact.phones.at(0), "+84987654321");
}

// Signs with the implementation (already pinned to independent vectors above) to drive statuses.
inbound_request signed_request(const std::string& body) {
  web_form::field_list params;
  std::string rest = body;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    params.emplace_back(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
    rest = amp == std::string::npos ? "" : rest.substr(amp + 1);
  }
  const auto s = core::base64_encode(twilio::compute_signature(token, std::string("https://hooks.example.vn") + target, params));
  return request(body, s);
}

TEST(TelephonyTwilioVoice, IntermediateAndOutboundAreIgnored) {
  const auto a = telephony::make_telephony_adapter(source("https://hooks.example.vn"), "sources[0]");
  for (const std::string body : {"CallSid=CA1&CallStatus=ringing&Direction=inbound&From=0912345678",
                                 "CallSid=CA1&CallStatus=in-progress&Direction=inbound&From=0912345678",
                                 "CallSid=CA1&CallStatus=completed&Direction=outbound-api&From=0912345678"}) {
    const auto out = a->handle(signed_request(body));
    ASSERT_TRUE(out.has_value()) << body;
    EXPECT_TRUE(out->events.empty()) << body;
    EXPECT_EQ(out->ignored, 1u) << body;
  }
  const auto zero = a->handle(signed_request("CallSid=CA2&CallStatus=completed&CallDuration=0&From=0912345678"));
  ASSERT_TRUE(zero.has_value());
  EXPECT_EQ(zero->events.at(0).extra.at("missed_call"), "true");
  const auto no_sid = a->handle(signed_request("CallStatus=completed&From=0912345678"));
  ASSERT_TRUE(no_sid.has_value());
  EXPECT_TRUE(no_sid->quarantine_reason.has_value());
}

TEST(TelephonyTwilioVoice, HostHeaderFallbackWithoutBaseUrl) {
  const auto a = telephony::make_telephony_adapter(source(""), "sources[0]");
  web_form::field_list params = {{"CallSid", "CA3"}, {"CallStatus", "busy"}, {"From", "0912345678"}};
  const auto s = core::base64_encode(twilio::compute_signature(token, std::string("http://10.0.0.5:8080") + target, params));
  const auto out = a->handle(request("CallSid=CA3&CallStatus=busy&From=0912345678", s));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->events.at(0).extra.at("missed_call"), "true");
}

TEST(TelephonyTwilioVoice, AuthTokenIsRequired) {
  auto s = source("");
  s.options.erase("auth_token");
  EXPECT_THROW(telephony::make_telephony_adapter(s, "sources[0]"), config::config_error);
  auto t = source("ftp://x");
  EXPECT_THROW(telephony::make_telephony_adapter(t, "sources[0]"), config::config_error);
}

}  // namespace
}  // namespace lg::adapters::telephony_twilio_test
