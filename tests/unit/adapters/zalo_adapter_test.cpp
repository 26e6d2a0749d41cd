// The Zalo request path: options, signature (valid, forged, altered, missing, wrong app,
// replay window), method, and handle() end to end on fixtures.
#include "adapters/zalo/zalo.hpp"
#include "config/config.hpp"
#include "unit/adapters/adapter_test_support.hpp"
#include "zalo_test_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace lg::adapters::zalo {
namespace {

using namespace zalo::test;

options opts() { return options{app_id, oa_id, secret, std::chrono::seconds(0)}; }

inbound_request post(const std::string& body, std::optional<std::string> signature) {
  inbound_request r;
  r.method = "POST";
  r.path = "/v1/hooks/zalo/zalo-main";
  r.source_id = "zalo-main";
  r.body = body;
  r.content_type = "application/json";
  r.received_at = "2026-11-22T03:00:00.123Z";
  if (signature) r.headers.emplace_back("x-zevent-signature", *signature);
  return r;
}

TEST(ZaloAdapter, IndependentlyComputedSignatureIsAccepted) {
  // Computed with Python's hashlib over the fixture bytes, not with our helpers.
  const auto body = fixture("user_send_text.json");
  auto ok = verify(opts(), body, "mac=fe91d030b8948d8190f9d769db61adba384cd12965a0d3055b27857013587988", 0);
  EXPECT_TRUE(ok.has_value()) << ok.error().message;
  // Upper-case hex and surrounding blanks are the same MAC.
  EXPECT_TRUE(verify(opts(), body, " mac=FE91D030B8948D8190F9D769DB61ADBA384CD12965A0D3055B27857013587988 ", 0));
}

TEST(ZaloAdapter, ValidSignatureYieldsEvent) {
  const auto body = fixture("user_send_text.json");
  adapter a("zalo-main", opts());
  auto out = a.handle(post(body, mac(body, "1717000002000")));
  ASSERT_TRUE(test_support::has_one_event(out));
  EXPECT_EQ(out->events[0].event_id, "zalo:msg:9f2b1c0d4e5a6b7c8d9e");
  EXPECT_EQ(out->events[0].source, "zalo-main");
  EXPECT_EQ(out->events[0].received_at, "2026-11-22T03:00:00.123Z");
}

TEST(ZaloAdapter, ForgedSignatureIsUnauthorized) {
  const auto body = fixture("user_send_text.json");
  auto out = adapter("zalo-main", opts()).handle(post(body, mac(body, "1717000002000", app_id, "wrong-secret")));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, core::errc::unauthorized);
}

TEST(ZaloAdapter, BodyAlteredByOneByteIsUnauthorized) {
  const auto body = fixture("user_send_text.json");
  const auto signature = mac(body, "1717000002000");
  auto altered = body;
  altered[altered.find("IELTS")] = 'J';
  auto out = adapter("zalo-main", opts()).handle(post(altered, signature));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, core::errc::unauthorized);
}

TEST(ZaloAdapter, TimestampIsPartOfTheSignature) {
  const auto body = fixture("user_send_text.json");
  EXPECT_FALSE(verify(opts(), body, mac(body, "1717000002001"), 0));
  EXPECT_FALSE(verify(opts(), body, mac(body, ""), 0));
}

TEST(ZaloAdapter, MissingOrMalformedHeaderIsUnauthorized) {
  const auto body = fixture("user_send_text.json");
  for (const auto& h : std::vector<std::optional<std::string>>{
           std::nullopt, "", "mac=", "sha256=" + core::sha256_hex("x"), "mac=zz" + core::sha256_hex("x").substr(2),
           "mac=" + core::sha256_hex("x") + "00"}) {
    auto out = adapter("zalo-main", opts()).handle(post(body, h));
    ASSERT_FALSE(out.has_value());
    EXPECT_EQ(out.error().code, core::errc::unauthorized);
    EXPECT_EQ(out.error().field, "X-ZEvent-Signature");
  }
}

TEST(ZaloAdapter, OtherAppIsUnauthorizedEvenWhenSignedWithOurKey) {
  auto body = fixture("user_send_text.json");
  body.replace(body.find(app_id), app_id.size(), "1111111111111111111");
  auto out = adapter("zalo-main", opts()).handle(post(body, mac(body, "1717000002000", "1111111111111111111")));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, core::errc::unauthorized);
  EXPECT_EQ(out.error().field, "app_id");
}

TEST(ZaloAdapter, OaIdIsAcceptedWhenAppIdIsAbsent) {
  const std::string body =
      R"({"oa_id":"3886132808798806450","event_name":"follow","follower":{"id":"42"},"timestamp":"1717000006000"})";
  auto out = adapter("zalo-main", opts()).handle(post(body, mac(body, "1717000006000", oa_id)));
  ASSERT_TRUE(test_support::has_one_event(out));
  EXPECT_EQ(out->events[0].contact.ids.at("zalo"), "42");
}

TEST(ZaloAdapter, NumericIdsAreSignedWithTheirDigits) {
  const auto body = fixture("numeric_ids.json");
  auto out = adapter("zalo-main", opts()).handle(post(body, mac(body, "1717000010000")));
  ASSERT_TRUE(test_support::has_one_event(out));
}

TEST(ZaloAdapter, ReplayWindowWhenConfigured) {
  const auto body = fixture("user_send_text.json");  // timestamp 1717000002000
  auto o = opts();
  o.replay_window = std::chrono::seconds(300);
  EXPECT_TRUE(verify(o, body, mac(body, "1717000002000"), 1717000002000 + 299'000));
  EXPECT_TRUE(verify(o, body, mac(body, "1717000002000"), 1717000002000 - 299'000));
  auto late = verify(o, body, mac(body, "1717000002000"), 1717000002000 + 301'000);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().field, "timestamp");
  // Off by default: a delivery retried an hour later is still accepted (and deduplicated).
  EXPECT_TRUE(verify(opts(), body, mac(body, "1717000002000"), 1717000002000 + 3'600'000));
  // The clock is injectable into the adapter.
  adapter a("zalo-main", o, [] { return std::int64_t{1717000002000} + 10'000'000; });
  auto out = a.handle(post(body, mac(body, "1717000002000")));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, core::errc::unauthorized);
}

TEST(ZaloAdapter, ReplayedDeliveryKeepsItsEventId) {
  const auto body = fixture("user_send_text.json");
  adapter a("zalo-main", opts());
  auto first = a.handle(post(body, mac(body, "1717000002000")));
  auto second = a.handle(post(body, mac(body, "1717000002000")));
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->events.at(0).event_id, second->events.at(0).event_id);
}

TEST(ZaloAdapter, WellSignedGarbageIsQuarantinedNotRejected) {
  const std::string garbage = "this is not json {";
  auto out = adapter("zalo-main", opts()).handle(post(garbage, mac(garbage, "")));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_TRUE(out->events.empty());
  ASSERT_TRUE(out->quarantine_reason.has_value());

  const auto no_name = fixture("no_event_name.json");
  auto out2 = adapter("zalo-main", opts()).handle(post(no_name, mac(no_name, "1717000012000")));
  ASSERT_TRUE(out2.has_value());
  ASSERT_TRUE(out2->quarantine_reason.has_value());
  EXPECT_NE(out2->quarantine_reason->find("event_name"), std::string::npos);
  // Garbage with a forged signature is never looked at.
  auto forged = adapter("zalo-main", opts()).handle(post(garbage, mac(garbage, "", app_id, "nope")));
  EXPECT_FALSE(forged.has_value());
}

TEST(ZaloAdapter, OnlyPost) {
  auto r = post("{}", std::nullopt);
  r.method = "GET";
  auto out = adapter("zalo-main", opts()).handle(r);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, core::errc::method_not_allowed);
}

TEST(ZaloAdapter, OptionsFromConfig) {
  ::setenv("LG_TEST_ZALO_SECRET", "s3cret", 1);
  auto o = parse_options(nlohmann::json{{"app_id", "123"}, {"oa_secret_key", {{"env", "LG_TEST_ZALO_SECRET"}}}}, "sources[0].options");
  EXPECT_EQ(o.app_id, "123");
  EXPECT_EQ(o.oa_secret_key, "s3cret");
  EXPECT_EQ(o.replay_window.count(), 0);
  auto with_window = parse_options(nlohmann::json{{"app_id", 123}, {"oa_secret_key", "k"}, {"replay_window_s", 7200}}, "p");
  EXPECT_EQ(with_window.app_id, "123");
  EXPECT_EQ(with_window.replay_window.count(), 7200);

  auto throws_with = [](const nlohmann::json& j, const std::string& needle) {
    test_support::expect_config_error([&] { (void)parse_options(j, "sources[0].options"); }, needle, j.dump());
  };
  throws_with(nlohmann::json{{"oa_secret_key", "k"}}, "sources[0].options.app_id: required");
  throws_with(nlohmann::json{{"app_id", "1"}}, "sources[0].options.oa_secret_key: required");
  throws_with(nlohmann::json{{"app_id", "1"}, {"oa_secret_key", {{"env", "LG_TEST_ZALO_UNSET_VAR"}}}}, "LG_TEST_ZALO_UNSET_VAR");
  throws_with(nlohmann::json{{"app_id", "1"}, {"oa_secret_key", "k"}, {"replay_window_s", -5}}, "replay_window_s");
  throws_with(nlohmann::json{{"app_id", "1"}, {"oa_secret_key", "k"}, {"secret", "typo"}}, "sources[0].options.secret: unknown");
}

}  // namespace
}  // namespace lg::adapters::zalo
