// The Facebook request path: the hub.challenge handshake, X-Hub-Signature-256 (valid, forged,
// altered, missing), methods and options.
#include "adapters/facebook/facebook.hpp"
#include "core/digest.hpp"
#include "config/config.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <optional>

namespace lg::adapters::facebook {
namespace {

const options opts{"test-app-secret", "verify-me", {}};

std::string fixture(const std::string& name) { return test_support::fixture("facebook", name); }

std::string sign(const std::string& body, const std::string& key = "test-app-secret") {
  return "sha256=" + core::to_hex(core::hmac_sha256(key, body));
}

inbound_request request(const std::string& method, const std::string& body, std::optional<std::string> signature,
                        const std::string& query = "") {
  auto r = test_support::post("/v1/hooks/facebook/fb-main" + (query.empty() ? "" : "?" + query), body, "");
  r.method = method;
  r.source_id = "fb-main";
  if (signature) r.headers.emplace_back("x-hub-signature-256", *signature);
  return r;
}

// Every query fails the handshake with `code`.
void expect_handshake_error(std::initializer_list<const char*> queries, core::errc code) {
  for (const char* q : queries) {
    auto r = handshake(opts, q);
    ASSERT_FALSE(r.has_value()) << q;
    EXPECT_EQ(r.error().code, code) << q;
  }
}

TEST(FacebookAdapter, HandshakeEchoesTheChallenge) {
  auto out = adapter("fb-main", opts).handle(
      request("GET", "", std::nullopt, "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me"));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  ASSERT_TRUE(out->reply.has_value());
  EXPECT_EQ(out->reply->status, 200u);
  EXPECT_EQ(out->reply->content_type, "text/plain");
  EXPECT_EQ(out->reply->body, "1158201444");
  EXPECT_TRUE(out->events.empty());
}

TEST(FacebookAdapter, HandshakeDecodesTheToken) {
  options o = opts;
  o.verify_token = "a token/with+signs";
  auto r = handshake(o, "hub.verify_token=a%20token%2Fwith%2Bsigns&hub.mode=subscribe&hub.challenge=7");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->body, "7");
}

TEST(FacebookAdapter, HandshakeWithWrongTokenIsForbidden) {
  expect_handshake_error({"hub.mode=subscribe&hub.challenge=1&hub.verify_token=verify-mE",
                          "hub.mode=subscribe&hub.challenge=1&hub.verify_token=",
                          "hub.mode=subscribe&hub.challenge=1"},
                         core::errc::forbidden);
}

TEST(FacebookAdapter, HandshakeRejectsOddRequests) {
  expect_handshake_error({"", "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=verify-me",
                          "hub.mode=subscribe&hub.verify_token=verify-me",
                          "hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_token=verify-me",
                          "hub.mode=subscribe&hub.challenge=%ZZ&hub.verify_token=verify-me"},
                         core::errc::bad_request);
}

TEST(FacebookAdapter, IndependentlyComputedSignatureIsAccepted) {
  // Computed with Python's hmac module over the fixture bytes, not with our helpers.
  auto ok = verify(opts, fixture("messenger_batch.json"),
                   "sha256=c870874ac0c86e1845a882afd926e84264c5bc048a0ffbb20280d3f06c8b71cc");
  EXPECT_TRUE(ok.has_value()) << ok.error().message;
}

TEST(FacebookAdapter, ValidPostYieldsEvents) {
  const auto body = fixture("messenger_batch.json");
  auto out = adapter("fb-main", opts).handle(request("POST", body, sign(body)));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  EXPECT_EQ(out->events.size(), 3u);
  EXPECT_EQ(out->events[0].source, "fb-main");
}

TEST(FacebookAdapter, ForgedAlteredOrMissingSignatureIsUnauthorized) {
  const auto body = fixture("messenger_batch.json");
  auto altered = body;
  altered[altered.find("m_abc") + 2] = 'x';
  const std::vector<std::pair<std::string, std::optional<std::string>>> cases{
      {body, sign(body, "other-secret")},
      {altered, sign(body)},
      {body, std::nullopt},
      {body, ""},
      {body, "sha1=" + core::to_hex(core::hmac_sha1("test-app-secret", body))},
      {body, sign(body).substr(0, 70)},
  };
  for (const auto& [b, h] : cases) {
    auto out = adapter("fb-main", opts).handle(request("POST", b, h));
    ASSERT_FALSE(out.has_value()) << h.value_or("<none>");
    EXPECT_EQ(out.error().code, core::errc::unauthorized);
    EXPECT_EQ(out.error().field, "X-Hub-Signature-256");
  }
}

TEST(FacebookAdapter, WellSignedGarbageIsQuarantined) {
  const std::string body = "<xml>not json</xml>";
  auto out = adapter("fb-main", opts).handle(request("POST", body, sign(body)));
  ASSERT_TRUE(out.has_value());
  EXPECT_TRUE(out->events.empty());
  EXPECT_TRUE(out->quarantine_reason.has_value());
}

TEST(FacebookAdapter, OtherMethodsAreNotAllowed) {
  auto out = adapter("fb-main", opts).handle(request("PUT", "{}", sign("{}")));
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, core::errc::method_not_allowed);
}

TEST(FacebookAdapter, OptionsFromConfig) {
  auto o = parse_options(nlohmann::json{{"app_secret", "s"}, {"verify_token", "v"}, {"page_ids", {"1", "2"}}}, "p");
  EXPECT_EQ(o.app_secret, "s");
  EXPECT_EQ(o.verify_token, "v");
  EXPECT_EQ(o.page_ids.size(), 2u);
  auto throws_with = [](const nlohmann::json& j, const std::string& needle) {
    test_support::expect_config_error([&] { (void)parse_options(j, "sources[1].options"); }, needle, j.dump());
  };
  throws_with(nlohmann::json{{"verify_token", "v"}}, "sources[1].options.app_secret: required");
  throws_with(nlohmann::json{{"app_secret", "s"}}, "sources[1].options.verify_token: required");
  throws_with(nlohmann::json{{"app_secret", "s"}, {"verify_token", "v"}, {"page_ids", {1}}}, "page_ids[0]");
  throws_with(nlohmann::json{{"app_secret", "s"}, {"verify_token", "v"}, {"pageid", "1"}}, "pageid: unknown");
}

}  // namespace
}  // namespace lg::adapters::facebook
