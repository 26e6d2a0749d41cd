// The built binary with webhook sources whose secrets come from the environment: a signed Zalo
// user_submit_info and a signed Facebook Messenger message are accepted with 200, their replays
// are answered as duplicates, and a forged one is refused.
#include "adapters/signature.hpp"
#include "support/e2e.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using http::verb;

const std::string zalo_secret = "e2e-zalo-oa-secret";
const std::string fb_secret = "e2e-facebook-app-secret";

std::string fixture(const std::string& name) {
  std::ifstream f(std::string(LG_FIXTURES_DIR) + "/hooks/" + name, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

fs::path write_config(const std::string& tenant) {
  nlohmann::json j = {
      {"tenant", tenant},
      {"server", {{"listen", "127.0.0.1"}, {"port", 8080}, {"threads", 2}, {"shutdown_grace_ms", 3000}}},
      {"redis", {{"url", "redis://127.0.0.1:1"}}},
      {"logging", {{"level", "warn"}}},
      {"sources",
       {{{"id", "zalo-oa"},
         {"channel", "zalo"},
         {"options", {{"app_id", "4102938475610293847"}, {"oa_secret_key", {{"env", "LG_E2E_ZALO_SECRET"}}}}}},
        {{"id", "fb-page"},
         {"channel", "facebook_messenger"},
         {"options", {{"app_secret", {{"env", "LG_E2E_FB_SECRET"}}}, {"verify_token", "e2e-verify"}}}}}},
  };
  return write_temp("leadgate.json", j.dump(2));
}

TEST(E2EChannels, SignedZaloAndMessengerDeliveriesAreAccepted) {
  const char* url = std::getenv("LG_TEST_REDIS_URL");
  ASSERT_NE(url, nullptr) << "LG_TEST_REDIS_URL is not set";
  std::random_device rd;
  const auto cfg = write_config("e2e-hooks-" + std::to_string(rd()));
  child_process p({LG_BINARY, "serve", "--config", cfg.string(), "--port", "0"},
                  {"LEADGATE_REDIS_URL=" + std::string(url), "LG_E2E_ZALO_SECRET=" + zalo_secret,
                   "LG_E2E_FB_SECRET=" + fb_secret});
  const auto port = start(p);
  ASSERT_NE(port, 0);
  ASSERT_TRUE(wait_ready(port));

  const auto zalo = fixture("zalo_submit_flat.json");
  ASSERT_FALSE(zalo.empty());
  const auto zalo_j = nlohmann::json::parse(zalo);
  const std::string zalo_sig = "mac=" + adapters::sig::sha256_hex(zalo_j["app_id"].get<std::string>() + zalo +
                                                                  zalo_j["timestamp"].get<std::string>() + zalo_secret);
  const std::map<std::string, std::string> zh{{"Content-Type", "application/json"}, {"X-ZEvent-Signature", zalo_sig}};
  auto z = http_request(port, verb::post, "/v1/hooks/zalo/zalo-oa", zalo, zh);
  ASSERT_EQ(z.status, 200u) << z.body;
  EXPECT_EQ(nlohmann::json::parse(z.body)["accepted"], 1);
  auto z2 = http_request(port, verb::post, "/v1/hooks/zalo/zalo-oa", zalo, zh);
  ASSERT_EQ(z2.status, 200u) << z2.body;
  EXPECT_EQ(nlohmann::json::parse(z2.body)["duplicates"], 1);

  const auto fb = fixture("facebook_message.json");
  const std::string fb_sig = "sha256=" + adapters::sig::to_hex(adapters::sig::hmac_sha256(fb_secret, fb));
  auto f = http_request(port, verb::post, "/v1/hooks/facebook/fb-page", fb,
                        {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", fb_sig}});
  ASSERT_EQ(f.status, 200u) << f.body;
  EXPECT_EQ(nlohmann::json::parse(f.body)["accepted"], 1);

  auto forged = http_request(port, verb::post, "/v1/hooks/facebook/fb-page", fb,
                             {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", "sha256=" + std::string(64, '0')}});
  EXPECT_EQ(forged.status, 401u) << forged.body;

  auto metrics = http_request(port, verb::get, "/metrics");
  EXPECT_NE(metrics.body.find("leadgate_signature_failures_total{source=\"fb-page\"} 1"), std::string::npos);

  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(std::chrono::seconds(5)), std::optional<int>(0));
  fs::remove_all(cfg.parent_path());
}

TEST(E2EChannels, MissingWebhookSecretFailsAtStartup) {
  std::random_device rd;
  const auto cfg = write_config("e2e-hooks-" + std::to_string(rd()));
  child_process p({LG_BINARY, "serve", "--config", cfg.string(), "--port", "0"},
                  {"LEADGATE_REDIS_URL=redis://127.0.0.1:1", "LG_E2E_FB_SECRET=" + fb_secret});
  const auto code = p.wait(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);  // a config error
  fs::remove_all(cfg.parent_path());
}

}  // namespace
}  // namespace lg::test
