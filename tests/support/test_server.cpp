// The config pieces and the start and bounded stop of the in-process test server of
// test_server.hpp.
#include "support/test_server.hpp"

#include <stdexcept>

namespace lg::test {

nlohmann::json server_config_head(const std::string& tenant, const std::string& redis_url, int body_limit,
                                  const std::string& log_level) {
  return nlohmann::json{
      {"tenant", tenant},
      {"server", {{"listen", "127.0.0.1"}, {"port", 0}, {"threads", 1}, {"body_limit", body_limit},
                  {"read_timeout_ms", 3000}, {"write_timeout_ms", 3000}, {"idle_timeout_ms", 5000},
                  {"shutdown_grace_ms", 2000}}},
      {"redis", {{"url", redis_url}, {"connect_timeout_ms", 500}, {"command_timeout_ms", 1000}}},
      {"logging", {{"level", log_level}, {"format", "json"}}},
  };
}

nlohmann::json phone_form_source() {
  return nlohmann::json{
      {"id", "website"}, {"channel", "web_form"}, {"field_map", {{"phone", {"phone"}}}}, {"required", {"phone"}}};
}

nlohmann::json token_entry(const std::string& name, const std::string& role, const std::string& token,
                           const std::string& member) {
  nlohmann::json j{{"name", name}, {"role", role}, {"sha256", core::sha256_hex(token)}};
  if (!member.empty()) j["member"] = member;
  return j;
}

config::config test_config(const std::string& redis_url) {
  auto j = server_config_head(fresh_tenant("gw"), redis_url);
  j["sources"] = {{{"id", "website"},
                   {"channel", "web_form"},
                   {"cors_origins", {"https://www.example.edu.vn"}},
                   {"field_map",
                    {{"full_name", {"ho_ten", "name"}}, {"phone", {"sdt", "phone"}}, {"email", {"email"}},
                     {"interest.program", {"program"}}}},
                   {"required", {"full_name", "phone|email"}},
                   {"honeypot", "website_url"},
                   {"dedupe_window_ms", 600000}},
                  {{"id", "landing"},
                   {"channel", "landing_page"},
                   {"cors_origins", {"*"}},
                   {"field_map", {{"full_name", {"name"}}, {"phone", {"phone"}}}},
                   {"required", {"phone"}},
                   {"thank_you_url", "https://www.example.edu.vn/cam-on"},
                   {"token", "s3cret-token-0123456789"}},
                  {{"id", "off"}, {"channel", "web_form"}, {"enabled", false}, {"required", {"phone"}},
                   {"field_map", {{"phone", {"phone"}}}}}};
  return config::parse(j);
}

test_server::test_server(config::config cfg) : cfg_(std::move(cfg)), routes_(gateway::build_router(cfg_, stats_)) {
  auto redis = store::redis_options::from_url(cfg_.redis.url);
  if (!redis) throw std::runtime_error("bad redis url: " + redis.error().message);
  redis->connect_timeout = cfg_.redis.connect_timeout;
  redis->command_timeout = cfg_.redis.command_timeout;
  server_ = std::make_unique<gateway::server>(gateway::server_options{cfg_.server, *redis, false}, routes_, stats_);
  server_->start();
  thread_ = std::thread([this] { server_->run(); });
}

test_server::~test_server() { stop(); }

void test_server::stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

bool test_server::wait_ready(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (http_request(port(), http::verb::get, "/readyz").status == 200) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace lg::test
