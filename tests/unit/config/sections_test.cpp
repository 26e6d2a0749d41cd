// config/admin.cpp and routing_section.cpp: admin tokens (hash or env secret, roles, the
// optional secret), processing, and teams/routing validated through routing/ with full paths.
#include "config/config.hpp"
#include "unit/config/problems.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace lg::config {
namespace {

using nlohmann::json;

// SHA-256 of "abc" (FIPS 180-2 example).
constexpr const char* abc_sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(ConfigAdmin, HashedAndEnvTokens) {
  ::setenv("LG_TEST_ADMIN_TOKEN", "abc-but-long-enough-0000", 1);
  const auto c = parse(json::parse(std::string(R"({"admin":{"tokens":[
      {"name":"ops","role":"admin","sha256":")") + abc_sha256 + R"("},
      {"name":"lan","role":"agent","member":"hn-lan","token":{"env":"LG_TEST_ADMIN_TOKEN"}}]}})"));
  ::unsetenv("LG_TEST_ADMIN_TOKEN");
  ASSERT_EQ(c.admin.tokens.size(), 2u);
  EXPECT_EQ(c.admin.tokens[0].sha256, abc_sha256);
  EXPECT_EQ(c.admin.tokens[0].role, "admin");
  EXPECT_EQ(c.admin.tokens[1].member, "hn-lan");
  EXPECT_EQ(c.admin.tokens[1].sha256.size(), 64u);  // hashed; the plain token is not kept
  EXPECT_NE(c.admin.tokens[1].sha256, abc_sha256);
}

TEST(ConfigAdmin, OptionalSecretUnsetDisablesTheToken) {
  ::unsetenv("LG_TEST_SURELY_UNSET_ADMIN");
  const auto c = parse(json::parse(R"({"admin":{"tokens":[
      {"name":"local","role":"admin","token":{"env":"LG_TEST_SURELY_UNSET_ADMIN","optional":true}}]}})"));
  EXPECT_TRUE(c.admin.tokens.empty());
  // Not optional: the same is an error.
  const auto problems = check(json::parse(R"({"admin":{"tokens":[
      {"name":"local","role":"admin","token":{"env":"LG_TEST_SURELY_UNSET_ADMIN"}}]}})"));
  EXPECT_THAT(problems, has_problems({"admin.tokens[0].token: environment variable LG_TEST_SURELY_UNSET_ADMIN is not set"}));
}

TEST(ConfigAdmin, Problems) {
  const auto problems = check(json::parse(std::string(R"({"admin":{"tokens":[
      {"name":"a","role":"root","sha256":")") + abc_sha256 + R"("},
      {"name":"b","role":"viewer","sha256":"xyz"},
      {"name":"c","role":"viewer","token":"plain-text-token-here"},
      {"name":"d","role":"viewer"},
      {"role":"viewer","sha256":")" + abc_sha256 + R"("},
      {"name":"e","role":"viewer","sha256":")" + abc_sha256 + R"("},
      {"name":"f","role":"viewer","sha256":")" + abc_sha256 + R"("}],"extra":1}})"));
  EXPECT_THAT(problems, has_problems({"admin.extra: unknown key", "admin.tokens[0].role: must be viewer, agent or admin",
                                      "admin.tokens[1].sha256: not 64 hex digits (the SHA-256 of the token)",
                                      "admin.tokens[4].name: required",
                                      "admin.tokens[6]: the same token is configured twice"},
                                     {"admin.tokens[2].token: must be a secret",
                                      "admin.tokens[3]: needs exactly one of sha256"}));
}

TEST(ConfigProcessing, ValuesAndBounds) {
  const auto c = parse(json::parse(R"({"processing":{"workers":3,"batch":50,"claim_idle_ms":5000,
      "channel_priority":["web_form","zalo"]}})"));
  EXPECT_EQ(c.processing.workers, 3u);
  EXPECT_EQ(c.processing.batch, 50u);
  EXPECT_EQ(c.processing.claim_idle, std::chrono::milliseconds(5000));
  EXPECT_EQ(c.processing.channel_priority, (std::vector<std::string>{"web_form", "zalo"}));
  const auto problems = check(json::parse(R"({"processing":{"workers":65,"batch":0}})"));
  EXPECT_THAT(problems, has_problems({}, {"processing.workers", "processing.batch"}));
}

TEST(ConfigRouting, TeamsAndRulesAreValidatedWithPaths) {
  const auto c = parse(json::parse(R"({
    "teams":[{"id":"hn","members":[{"id":"lan","weight":2}]},{"id":"hcm","members":[]}],
    "routing":{"default_team":"hn","rules":[{"name":"south","conditions":{"all":[
        {"field":"contact.city","op":"in","value":["Hồ Chí Minh"]}]},"action":{"team":"hcm"}}]}})"));
  ASSERT_EQ(c.teams.size(), 2u);
  EXPECT_EQ(c.teams[0].members[0].weight, 2);
  EXPECT_EQ(c.routing.default_team, "hn");
  ASSERT_EQ(c.routing.rules.size(), 1u);
  EXPECT_EQ(c.routing_json["rules"][0]["name"], "south");

  const auto problems = check(json::parse(R"({
    "teams":[{"id":"hn","members":[{"id":"lan","weight":0}]}],
    "routing":{"default_team":"nowhere","rules":[]}})"));
  EXPECT_THAT(problems, has_problems({"routing.default_action.team: unknown team 'nowhere'"},
                                     {"teams[0].members[0].weight"}));
}

TEST(ConfigRouting, TeamsWithoutRulesRouteToTheFirstTeam) {
  const auto c = parse(json::parse(R"({"teams":[{"id":"hq"},{"id":"hn"}]})"));
  EXPECT_EQ(c.routing.default_team, "hq");
  EXPECT_EQ(c.routing_json["default_team"], "hq");
}

}  // namespace
}  // namespace lg::config
