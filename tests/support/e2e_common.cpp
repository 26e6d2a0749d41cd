// The end-to-end tests' helpers of e2e_common.hpp.
#include "support/e2e_common.hpp"

#include <fstream>
#include <random>
#include <thread>

namespace lg::test {

std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() / ("lg-e2e-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  const auto p = dir / name;
  std::ofstream(p) << text;
  return p;
}

unsigned short start(child_process& p) {
  auto line = p.read_line(std::chrono::seconds(10));
  if (!line) return 0;
  const std::string marker = "listening on http://127.0.0.1:";
  const auto at = line->find(marker);
  if (at == std::string::npos) return 0;
  return static_cast<unsigned short>(std::stoi(line->substr(at + marker.size())));
}

bool wait_ready(unsigned short port) {
  for (int i = 0; i < 250; ++i) {
    try {
      if (http_request(port, http::verb::get, "/readyz").status == 200) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

nlohmann::json config_head(const std::string& tenant, int threads, int shutdown_grace_ms) {
  nlohmann::json j = {
      {"tenant", tenant},
      {"server", {{"listen", "127.0.0.1"}, {"port", 8080}, {"threads", threads}}},
      {"logging", {{"level", "warn"}}},
  };
  if (shutdown_grace_ms != 0) j["server"]["shutdown_grace_ms"] = shutdown_grace_ms;
  return j;
}

nlohmann::json unreachable_redis_config(const std::string& tenant, const nlohmann::json& sources) {
  auto j = config_head(tenant, 2, 3000);
  j["redis"] = {{"url", "redis://127.0.0.1:1"}};
  j["sources"] = sources;
  return j;
}

nlohmann::json worker_config(const std::string& tenant, const std::string& admin_token,
                             const std::string& role, int shutdown_grace_ms) {
  auto j = config_head(tenant, 1, shutdown_grace_ms);
  j["admin"] = {{"tokens", {{{"name", "ops"}, {"role", role}, {"sha256", core::sha256_hex(admin_token)}}}}};
  j["processing"] = {{"workers", 1}, {"claim_idle_ms", 1000}};
  return j;
}

nlohmann::json website_source() {
  return nlohmann::json{{"id", "website"},
                        {"channel", "web_form"},
                        {"field_map", {{"full_name", {"ho_ten"}}, {"phone", {"sdt"}}}},
                        {"required", {"full_name", "phone"}}};
}

nlohmann::json zalo_oa_source() {
  return nlohmann::json{
      {"id", "zalo-oa"},
      {"channel", "zalo"},
      {"options", {{"app_id", "4102938475610293847"}, {"oa_secret_key", {{"env", "LG_E2E_ZALO_SECRET"}}}}}};
}

nlohmann::json fb_page_source(const nlohmann::json& extra) {
  nlohmann::json options = {{"app_secret", {{"env", "LG_E2E_FB_SECRET"}}}, {"verify_token", "e2e-verify"}};
  options.update(extra);
  return nlohmann::json{{"id", "fb-page"}, {"channel", "facebook_messenger"}, {"options", options}};
}

std::map<std::string, std::string> zalo_signed_headers(const std::string& body,
                                                       const std::string& secret) {
  auto j = nlohmann::json::parse(body);
  const std::string sig =
      "mac=" + core::sha256_hex(j["app_id"].get<std::string>() + body + j["timestamp"].get<std::string>() + secret);
  return {{"Content-Type", "application/json"}, {"X-ZEvent-Signature", sig}};
}

std::map<std::string, std::string> facebook_signed_headers(const std::string& body,
                                                           const std::string& secret) {
  return {{"Content-Type", "application/json"},
          {"X-Hub-Signature-256", "sha256=" + core::to_hex(core::hmac_sha256(secret, body))}};
}

std::map<std::string, std::string> bearer(const std::string& token) {
  return {{"Authorization", "Bearer " + token}};
}

http_answer post_website_form(unsigned short port, const std::string& body) {
  return http_request(port, http::verb::post, "/v1/forms/website", body,
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
}

nlohmann::json contacts_by_phone(unsigned short port, const std::string& phone, const std::string& admin_token) {
  auto a = http_request(port, http::verb::get, "/admin/v1/contacts?phone=" + phone, {}, bearer(admin_token));
  if (a.status != 200) return nlohmann::json::array();
  return nlohmann::json::parse(a.body).at("contacts");
}

}  // namespace lg::test
