// Zalo OA API replies and requests (provider_apis/zalo_oa.hpp): errors inside HTTP 200 are failures,
// classified for the caller; the refresh form and the profile URL are encoded.
#include "provider_apis/zalo_oa.hpp"
#include "config/config.hpp"

#include <gtest/gtest.h>

namespace lg::provider_apis::zalo {
namespace {

TEST(ZaloOaReplies, TokenReplyGivesBothTokensAndTheStringLifetime) {
  auto g = parse_refresh_reply(200, R"({"access_token":"A1","refresh_token":"R1","expires_in":"90000"})");
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->access_token, "A1");
  EXPECT_EQ(g->refresh_token, "R1");
  EXPECT_EQ(g->expires_in_s, 90000);
}

TEST(ZaloOaReplies, ErrorsInA200AreFailures) {
  auto refused = parse_refresh_reply(200, R"({"error":-14014,"error_name":"Invalid refresh token"})");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().kind, failure::auth);
  EXPECT_EQ(refused.error().code, -14014);
  auto half = parse_refresh_reply(200, R"({"access_token":"A1"})");
  ASSERT_FALSE(half.has_value());
  EXPECT_EQ(half.error().kind, failure::auth);

  struct row {
    const char* body;
    failure kind;
    long long code;
  };
  for (const auto& r : {row{R"({"error":-216,"message":"Access token is invalid"})", failure::auth, -216},
                         row{R"({"error":-220,"message":"expired"})", failure::auth, -220},
                         row{R"({"error":"-32","message":"Exceed rate limit"})", failure::transient, -32},
                         row{R"({"error":-201,"message":"user_id is invalid"})", failure::permanent, -201},
                         row{R"(not json)", failure::transient, 0}}) {
    auto p = parse_profile_reply(200, r.body);
    ASSERT_FALSE(p.has_value()) << r.body;
    EXPECT_EQ(p.error().kind, r.kind) << r.body;
    EXPECT_EQ(p.error().code, r.code) << r.body;
  }
  EXPECT_EQ(parse_profile_reply(502, "").error().kind, failure::transient);
  EXPECT_EQ(parse_profile_reply(429, "").error().kind, failure::transient);
  EXPECT_EQ(parse_profile_reply(404, "").error().kind, failure::permanent);
}

TEST(ZaloOaReplies, ProfileReadsDisplayNameAndSharedInfo) {
  auto p = parse_profile_reply(200, R"({"error":0,"message":"Success","data":{"user_id":"2468458835296979220",
      "display_name":"Lan","shared_info":{"name":"Nguyễn Thị Lan","phone":84912345678,"city":"Hà Nội"}}})");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->display_name, "Lan");
  EXPECT_EQ(p->shared_name, "Nguyễn Thị Lan");
  EXPECT_EQ(p->shared_phone, "84912345678");  // a number is read digit-exact
  EXPECT_EQ(p->shared_city, "Hà Nội");
}

TEST(ZaloOaRequests, FormAndUrlAreEncoded) {
  api_options o;
  o.app_id = "3608465248940903967";
  o.oa_base_url = "https://oa.test";
  EXPECT_EQ(refresh_form(o, "a+b/c="), "refresh_token=a%2Bb%2Fc%3D&app_id=3608465248940903967&grant_type=refresh_token");
  EXPECT_EQ(profile_url(o, "2468458835296979220"),
            "https://oa.test/v3.0/oa/user/detail?data=%7B%22user_id%22%3A%222468458835296979220%22%7D");
}

TEST(ZaloOaOptions, CredentialsTurnTheApiOnAndBadValuesNameThePath) {
  EXPECT_FALSE(parse_api_options(nlohmann::json{{"app_id", "1"}}, "z", "sources[0].options").has_value());
  auto o = parse_api_options(nlohmann::json{{"app_id", "1"}, {"app_secret", "s"}, {"refresh_token", "r"},
                                            {"oa_base_url", "https://oa.test/"}},
                             "z", "sources[0].options");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->oa_base_url, "https://oa.test");
  try {
    parse_api_options(nlohmann::json{{"app_id", "1"}, {"app_secret", "s"}, {"refresh_token", "r"}, {"api_timeout_ms", 5}},
                      "z", "sources[0].options");
    FAIL() << "no error";
  } catch (const config::config_error& e) {
    EXPECT_STREQ(e.what(), "sources[0].options.api_timeout_ms: must be 100..120000");
  }
}

}  // namespace
}  // namespace lg::provider_apis::zalo
