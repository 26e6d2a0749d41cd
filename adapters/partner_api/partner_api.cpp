// Partner API: options, the API key check, and the per-item status JSON.
#include "adapters/partner_api/partner_api.hpp"

#include "core/digest.hpp"
#include "config/config.hpp"

namespace lg::adapters::partner_api {
namespace {

bool is_hex64_lower(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

options parse_options(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) throw config::config_error(path + ": must be an object");
  for (const auto& [k, _] : j.items()) {
    if (k != "api_key_sha256") throw config::config_error(path + "." + k + ": unknown option of an api source");
  }
  auto it = j.find("api_key_sha256");
  if (it == j.end() || !it->is_array() || it->empty()) {
    throw config::config_error(path + ".api_key_sha256: required, a non-empty array of hex SHA-256 digests");
  }
  options o;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_string() || !is_hex64_lower(v.get<std::string>())) {
      throw config::config_error(path + ".api_key_sha256[" + std::to_string(i) +
                                 "]: must be 64 lower-case hex digits (sha256sum of the key)");
    }
    o.key_hashes.push_back(v.get<std::string>());
  }
  return o;
}

std::optional<std::string> presented_key(const inbound_request& req) {
  if (auto auth = req.header("authorization")) {
    std::string_view v = trim(*auth);
    if (v.size() > 7 && (v.substr(0, 7) == "Bearer " || v.substr(0, 7) == "bearer ")) {
      auto key = trim(v.substr(7));
      if (!key.empty()) return std::string(key);
    }
  }
  if (auto h = req.header("x-api-key")) {
    auto key = trim(*h);
    if (!key.empty()) return std::string(key);
  }
  return std::nullopt;
}

bool key_matches(const options& opt, std::string_view key) {
  if (key.empty() || key.size() > 1024) return false;
  // Hashing first makes the comparison independent of the key's length and content.
  const std::string digest = core::sha256_hex(key);
  bool found = false;
  for (const auto& h : opt.key_hashes) found |= core::equal_constant_time(digest, h);
  return found;
}

nlohmann::json item_status(std::size_t index, const item_result& r, std::string_view lead_id) {
  nlohmann::json j{{"index", index}};
  if (r.event) {
    j["status"] = "accepted";
    j["event_id"] = r.event->event_id;
    if (!lead_id.empty()) j["lead_id"] = std::string(lead_id);
    return j;
  }
  j["status"] = "error";
  const core::error e = r.error.value_or(core::make_error(core::errc::internal, "no result"));
  nlohmann::json err{{"code", std::string(core::code_name(e.code))}, {"message", e.message}};
  if (!e.field.empty()) err["field"] = e.field;
  j["error"] = std::move(err);
  return j;
}

}  // namespace lg::adapters::partner_api
