// config/load.cpp: files that are missing, not JSON, or invalid, and the shipped configs.
#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace lg::config {
namespace {

using ::testing::HasSubstr;

std::string load_error(const std::string& path) {
  try {
    load(path);
  } catch (const config_error& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(ConfigLoad, MissingFileNamesThePath) {
  const std::string path = LG_FIXTURES_DIR "/config/does-not-exist.json";
  EXPECT_EQ(load_error(path), path + ": cannot open: No such file or directory");
}

TEST(ConfigLoad, DirectoryIsUnreadable) {
  const std::string path = LG_FIXTURES_DIR "/config";
  EXPECT_THAT(load_error(path), HasSubstr(path + ": cannot read"));
}

TEST(ConfigLoad, SyntaxErrorHasLineAndColumn) {
  const std::string path = LG_FIXTURES_DIR "/config/invalid_syntax.json";
  const auto message = load_error(path);
  // The stray '}' after the trailing comma on line 3, column 27.
  EXPECT_THAT(message, HasSubstr(path + ": invalid JSON at line 3, column 27: "));
  EXPECT_THAT(message, HasSubstr("syntax error"));
}

TEST(ConfigLoad, ValidationProblemsArePrefixedWithTheFile) {
  const std::string path = LG_FIXTURES_DIR "/config/bad_values.json";
  EXPECT_EQ(load_error(path), path + ": frobnicate: unknown key\n" + path + ": sources[0].cors_origins[0]: not a URL");
}

TEST(ConfigLoad, ShippedDefaultLoads) {
  const auto c = load(LG_SOURCE_DIR "/config/leadgate.json");
  EXPECT_EQ(c.tenant, "default");
  EXPECT_EQ(c.server.listen, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.redis.url, "redis://127.0.0.1:6379");
  const auto* web = c.find_source("website");
  ASSERT_NE(web, nullptr);
  EXPECT_EQ(web->channel, "web_form");
  EXPECT_EQ(web->required, (std::vector<std::string>{"full_name", "phone|email"}));
  EXPECT_EQ(web->honeypot, "website_url");
  EXPECT_EQ(web->field_map.at("phone").front(), "sdt");
  const auto* ladi = c.find_source("ladipage");
  ASSERT_NE(ladi, nullptr);
  EXPECT_EQ(ladi->channel, "landing_page");
  EXPECT_EQ(ladi->preset, "ladipage");
  EXPECT_TRUE(ladi->token.empty());
}

TEST(ConfigLoad, ShippedExampleLoadsWithItsSecrets) {
  const char* secrets[] = {"LADIPAGE_TOKEN", "LEADGATE_ADMIN_TOKEN", "DOTB_PASSWORD", "DOTB_NOTIFY_SECRET"};
  for (const char* name : secrets) ::setenv(name, "ladipage-token-0123456789", 1);
  ::setenv("LEADGATE_WEBHOOK_SECRET", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", 1);
  const auto c = load(LG_SOURCE_DIR "/config/example.json");
  for (const char* name : secrets) ::unsetenv(name);
  ::unsetenv("LEADGATE_WEBHOOK_SECRET");
  EXPECT_EQ(c.tenant, "trung-tam-abc");
  ASSERT_NE(c.find_source("ladipage-ielts"), nullptr);
  EXPECT_EQ(c.find_source("ladipage-ielts")->token, "ladipage-token-0123456789");
  ASSERT_NE(c.find_source("zalo-main"), nullptr);
  EXPECT_EQ(c.find_source("zalo-main")->options.at("oa_id"), "1234567890");
  EXPECT_EQ(c.teams.size(), 2u);
  EXPECT_EQ(c.routing.rules.size(), 3u);
  EXPECT_EQ(c.destinations.size(), 2u);
}

TEST(ConfigLoad, ExampleWithoutItsSecretSaysWhichVariable) {
  ::unsetenv("LADIPAGE_TOKEN");
  EXPECT_THAT(load_error(LG_SOURCE_DIR "/config/example.json"),
              HasSubstr("sources[1].token: environment variable LADIPAGE_TOKEN is not set"));
}

}  // namespace
}  // namespace lg::config
