// make_adapter: the channel switch builds working adapters from config, validates options at
// startup with the config path in the message, and returns nullptr for non-webhook channels.
#include "adapters/adapter.hpp"
#include "core/digest.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

namespace lg::adapters {
namespace {

config::source_config source(std::string id, std::string channel, nlohmann::json options) {
  return test_support::source(std::move(id), std::move(channel), "", std::move(options));
}

TEST(Factory, BuildsAZaloAdapterThatChecksItsSecret) {
  auto a = make_adapter(source("z", "zalo", {{"app_id", "1"}, {"oa_secret_key", "k"}}), "sources[0]");
  ASSERT_NE(a, nullptr);
  const std::string body = R"({"app_id":"1","event_name":"follow","follower":{"id":"9"},"timestamp":"5"})";
  inbound_request r;
  r.method = "POST";
  r.body = body;
  r.headers = {{"x-zevent-signature", "mac=" + core::sha256_hex("1" + body + "5" + "k")}};
  auto out = a->handle(r);
  ASSERT_TRUE(test_support::has_one_event(out));
  EXPECT_EQ(out->events[0].source, "z");
  r.headers = {{"x-zevent-signature", "mac=" + core::sha256_hex("1" + body + "5" + "other")}};
  EXPECT_FALSE(a->handle(r).has_value());
}

TEST(Factory, BuildsAFacebookAdapter) {
  auto a = make_adapter(source("f", "facebook", {{"app_secret", "s"}, {"verify_token", "t"}}), "sources[1]");
  ASSERT_NE(a, nullptr);
  inbound_request r;
  r.method = "GET";
  r.query = "hub.mode=subscribe&hub.verify_token=t&hub.challenge=42";
  auto out = a->handle(r);
  ASSERT_TRUE(out.has_value());
  ASSERT_TRUE(out->reply.has_value());
  EXPECT_EQ(out->reply->body, "42");
}

TEST(Factory, FormsAndApiAreNotWebhookAdapters) {
  EXPECT_EQ(make_adapter(source("w", "web_form", nlohmann::json::object()), "sources[2]"), nullptr);
  EXPECT_EQ(make_adapter(source("l", "landing_page", nlohmann::json::object()), "sources[3]"), nullptr);
  EXPECT_EQ(make_adapter(source("p", "api", {{"api_key_sha256", {core::sha256_hex("k")}}}), "sources[4]"), nullptr);
}

TEST(Factory, BadOptionsAndUnknownChannelsNameThePath) {
  auto names = [](const config::source_config& s, const std::string& path, const std::string& needle) {
    test_support::expect_config_error([&] { (void)make_adapter(s, path); }, needle, path);
  };
  names(source("z", "zalo", {{"app_id", "1"}}), "sources[0]", "sources[0].options.oa_secret_key");
  names(source("f", "facebook", {{"app_secret", "s"}}), "sources[1]", "sources[1].options.verify_token");
  names(source("p", "api", nlohmann::json::object()), "sources[4]", "sources[4].options.api_key_sha256");
  names(source("x", "carrier_pigeon", nlohmann::json::object()), "sources[9]", "sources[9].channel");
}

}  // namespace
}  // namespace lg::adapters
