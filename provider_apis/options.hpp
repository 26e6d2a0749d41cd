// Internal: readers of a source's API options and of provider JSON shared by the Zalo OA and
// Graph clients. Startup-only readers throw config::config_error naming "<path>.<key>".
#pragma once

#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace lg::provider_apis::detail {

// A non-empty string option, or `fallback` when absent.
inline std::string text_option(const nlohmann::json& j, const char* key, const std::string& path,
                               std::string fallback) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_string() || it->get<std::string>().empty())
    throw config::config_error(path + "." + key + ": must be a non-empty string");
  return it->get<std::string>();
}

// api_timeout_ms: 100..120000, or `fallback`.
inline std::chrono::milliseconds timeout_option(const nlohmann::json& j, const std::string& path,
                                                std::chrono::milliseconds fallback) {
  auto it = j.find("api_timeout_ms");
  if (it == j.end()) return fallback;
  if (!it->is_number_integer() || it->get<long long>() < 100 || it->get<long long>() > 120000)
    throw config::config_error(path + ".api_timeout_ms: must be 100..120000");
  return std::chrono::milliseconds(it->get<long long>());
}

// An id as text: strings as they are, integers digit-exact (ids exceed 2^53); else empty.
inline std::string id_text(const nlohmann::json* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number_unsigned()) return std::to_string(v->get<std::uint64_t>());
  if (v->is_number_integer()) return std::to_string(v->get<std::int64_t>());
  return {};
}

}  // namespace lg::provider_apis::detail
