// Shared by the end-to-end tests: temp config files and the config pieces most of them use,
// starting the built binary and reading the port it printed, waiting (bounded) until it is
// ready, and the signed webhook and form requests they send; fixtures through
// support/fixtures.hpp.
#pragma once

#include "support/tenant.hpp"

#include "core/digest.hpp"
#include "support/fixtures.hpp"
#include "support/http_test_client.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace lg::test {

inline std::string redis_url() {
  const char* v = std::getenv("LG_TEST_REDIS_URL");
  return v ? v : "";
}

// A file in a fresh directory under the temp dir; remove with fs::remove_all(p.parent_path()).
inline std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() / ("lg-e2e-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  const auto p = dir / name;
  std::ofstream(p) << text;
  return p;
}

// Reads the binary's first line and returns the port of "listening on http://127.0.0.1:PORT", or 0.
inline unsigned short start(child_process& p) {
  auto line = p.read_line(std::chrono::seconds(10));
  if (!line) return 0;
  const std::string marker = "listening on http://127.0.0.1:";
  const auto at = line->find(marker);
  if (at == std::string::npos) return 0;
  return static_cast<unsigned short>(std::stoi(line->substr(at + marker.size())));
}

inline bool wait_ready(unsigned short port) {
  for (int i = 0; i < 250; ++i) {
    try {
      if (http_request(port, http::verb::get, "/readyz").status == 200) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// `leadgate serve --config cfg --port 0` and `args` (say "--roles", "http") against the test Redis
// (LEADGATE_REDIS_URL), `env` added.
inline child_process serve(const std::filesystem::path& cfg, const std::vector<std::string>& env = {},
                           const std::vector<std::string>& args = {}) {
  std::vector<std::string> all{"LEADGATE_REDIS_URL=" + redis_url()};
  all.insert(all.end(), env.begin(), env.end());
  std::vector<std::string> argv{LG_BINARY, "serve", "--config", cfg.string(), "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  return child_process(argv, all);
}

// start(), then wait_ready(): the port once /readyz answers 200, or 0.
inline unsigned short start_ready(child_process& p) {
  const auto port = start(p);
  return port != 0 && wait_ready(port) ? port : 0;
}

// Polls `done` every 20 ms until it holds or `limit` passes.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// The head of an e2e config: `tenant`, the server on 127.0.0.1 (`--port 0` replaces 8080) with
// `threads` threads and, when not 0, `shutdown_grace_ms`; warn-level logs.
inline nlohmann::json config_head(const std::string& tenant, int threads = 1, int shutdown_grace_ms = 0) {
  nlohmann::json j = {
      {"tenant", tenant},
      {"server", {{"listen", "127.0.0.1"}, {"port", 8080}, {"threads", threads}}},
      {"logging", {{"level", "warn"}}},
  };
  if (shutdown_grace_ms != 0) j["server"]["shutdown_grace_ms"] = shutdown_grace_ms;
  return j;
}

// config_head() with two threads, a 3 s shutdown grace and `sources`, and a redis.url nothing
// answers on (serve()'s LEADGATE_REDIS_URL replaces it; check-config does not connect).
inline nlohmann::json unreachable_redis_config(const std::string& tenant, const nlohmann::json& sources) {
  auto j = config_head(tenant, 2, 3000);
  j["redis"] = {{"url", "redis://127.0.0.1:1"}};
  j["sources"] = sources;
  return j;
}

// config_head() for a gateway that resolves leads: one admin token "ops" with `role` (its
// SHA-256 in the config) and one processing worker claiming entries idle for 1 s.
inline nlohmann::json worker_config(const std::string& tenant, const std::string& admin_token,
                                    const std::string& role = "viewer", int shutdown_grace_ms = 0) {
  auto j = config_head(tenant, 1, shutdown_grace_ms);
  j["admin"] = {{"tokens", {{{"name", "ops"}, {"role", role}, {"sha256", core::sha256_hex(admin_token)}}}}};
  j["processing"] = {{"workers", 1}, {"claim_idle_ms", 1000}};
  return j;
}

// The web form source "website": full_name from ho_ten and phone from sdt, both required.
inline nlohmann::json website_source() {
  return nlohmann::json{{"id", "website"},
                        {"channel", "web_form"},
                        {"field_map", {{"full_name", {"ho_ten"}}, {"phone", {"sdt"}}}},
                        {"required", {"full_name", "phone"}}};
}

// The webhook secrets of the Zalo OA and Facebook Page sources below, passed to the binary as
// LG_E2E_ZALO_SECRET and LG_E2E_FB_SECRET.
inline const std::string e2e_zalo_secret = "e2e-zalo-oa-secret";
inline const std::string e2e_fb_secret = "e2e-facebook-app-secret";

// Source "zalo-oa" (channel zalo) with its OA secret key from LG_E2E_ZALO_SECRET.
inline nlohmann::json zalo_oa_source() {
  return nlohmann::json{
      {"id", "zalo-oa"},
      {"channel", "zalo"},
      {"options", {{"app_id", "4102938475610293847"}, {"oa_secret_key", {{"env", "LG_E2E_ZALO_SECRET"}}}}}};
}

// Source "fb-page" (channel facebook_messenger) with its app secret from LG_E2E_FB_SECRET and
// verify token "e2e-verify"; `extra` adds options.
inline nlohmann::json fb_page_source(const nlohmann::json& extra = nlohmann::json::object()) {
  nlohmann::json options = {{"app_secret", {{"env", "LG_E2E_FB_SECRET"}}}, {"verify_token", "e2e-verify"}};
  options.update(extra);
  return nlohmann::json{{"id", "fb-page"}, {"channel", "facebook_messenger"}, {"options", options}};
}

// The headers of a Zalo OA delivery of `body` signed as Zalo does: "mac=" and the SHA-256 of
// app_id, the body, timestamp and the OA secret.
inline std::map<std::string, std::string> zalo_signed_headers(const std::string& body,
                                                              const std::string& secret = e2e_zalo_secret) {
  auto j = nlohmann::json::parse(body);
  const std::string sig =
      "mac=" + core::sha256_hex(j["app_id"].get<std::string>() + body + j["timestamp"].get<std::string>() + secret);
  return {{"Content-Type", "application/json"}, {"X-ZEvent-Signature", sig}};
}

// The headers of a Facebook delivery of `body`: X-Hub-Signature-256 is "sha256=" and the hex
// HMAC-SHA256 of the body under the app secret.
inline std::map<std::string, std::string> facebook_signed_headers(const std::string& body,
                                                                  const std::string& secret = e2e_fb_secret) {
  return {{"Content-Type", "application/json"},
          {"X-Hub-Signature-256", "sha256=" + core::to_hex(core::hmac_sha256(secret, body))}};
}

inline std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

// `body` posted urlencoded to the web form source "website".
inline http_answer post_website_form(unsigned short port, const std::string& body) {
  return http_request(port, http::verb::post, "/v1/forms/website", body,
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
}

// The admin API's contacts with `phone` (GET /admin/v1/contacts?phone=), or an empty array when
// it does not answer 200.
inline nlohmann::json contacts_by_phone(unsigned short port, const std::string& phone, const std::string& admin_token) {
  auto a = http_request(port, http::verb::get, "/admin/v1/contacts?phone=" + phone, {}, bearer(admin_token));
  if (a.status != 200) return nlohmann::json::array();
  return nlohmann::json::parse(a.body).at("contacts");
}

// A `leadgate serve` (see serve()) on `config` written to a temp file, started: `port` is the
// port once /readyz answers, or 0. The config's directory goes with it.
struct served_gateway {
  explicit served_gateway(const nlohmann::json& config, const std::vector<std::string>& env = {})
      : cfg(write_temp("leadgate.json", config.dump(2))), proc(serve(cfg, env)), port(start_ready(proc)) {}
  ~served_gateway() { std::filesystem::remove_all(cfg.parent_path()); }
  served_gateway(const served_gateway&) = delete;
  served_gateway& operator=(const served_gateway&) = delete;

  // SIGTERM, then its exit code within `limit` (nullopt when it did not exit).
  std::optional<int> terminate(std::chrono::milliseconds limit) {
    proc.signal(SIGTERM);
    return proc.wait(limit);
  }

  std::filesystem::path cfg;
  child_process proc;
  unsigned short port;
};

}  // namespace lg::test
