// make_adapter builds the hotline, SMS and email webhook adapters from their sources and
// names the config path of a bad one.
#include "adapters/adapter.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

namespace lg::adapters {
namespace {

config::source_config source(std::string channel, std::string preset, nlohmann::json options) {
  return test_support::source("s", std::move(channel), std::move(preset), std::move(options));
}

TEST(TelephonyFactory, BuildsEachWebhookChannel) {
  EXPECT_NE(make_adapter(source("hotline", "", {{"signing_secret", "x"}}), "sources[0]"), nullptr);
  EXPECT_NE(make_adapter(source("hotline", "twilio", {{"auth_token", "x"}}), "sources[0]"), nullptr);
  EXPECT_NE(make_adapter(source("sms", "", {{"auth_token", "x"}}), "sources[0]"), nullptr);
  EXPECT_NE(make_adapter(source("email", "mailgun", {{"signing_key", "x"}}), "sources[0]"), nullptr);
  EXPECT_NE(make_adapter(source("email", "sendgrid", {{"token", "x"}}), "sources[0]"), nullptr);
  EXPECT_EQ(make_adapter(source("email", "imap", nlohmann::json::object()), "sources[0]"), nullptr);
}

TEST(TelephonyFactory, BadOptionsNameThePath) {
  try {
    make_adapter(source("sms", "twilio", nlohmann::json::object()), "sources[6]");
    FAIL() << "auth_token is required";
  } catch (const config::config_error& e) {
    EXPECT_STREQ(e.what(), "sources[6].options.auth_token: required");
  }
  EXPECT_THROW(make_adapter(source("email", "postmark", {{"token", "x"}}), "sources[0]"), config::config_error);
}

}  // namespace
}  // namespace lg::adapters
