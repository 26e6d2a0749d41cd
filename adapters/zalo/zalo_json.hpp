// Small readers of Zalo JSON shared by the signature check and the parser (internal).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace lg::adapters::zalo::detail {

// A JSON scalar as the text the sender wrote: strings as they are, integers in decimal.
// JSON integers have no leading zeros or '+', so std::to_string reproduces the raw digits of any
// id that fits in 64 bits (Zalo ids do; they exceed 2^53, which is why they never become
// doubles here). A float, bool, object or array is not an id.
inline std::optional<std::string> text_of(const nlohmann::json* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number_unsigned()) return std::to_string(v->get<std::uint64_t>());
  if (v->is_number_integer()) return std::to_string(v->get<std::int64_t>());
  return std::nullopt;
}

inline const nlohmann::json* member(const nlohmann::json* j, const char* key) {
  if (j == nullptr || !j->is_object()) return nullptr;
  auto it = j->find(key);
  return it == j->end() ? nullptr : &*it;
}

// member(j, a) then member(…, b): one step into a nested object.
inline const nlohmann::json* member(const nlohmann::json* j, const char* a, const char* b) {
  return member(member(j, a), b);
}

}  // namespace lg::adapters::zalo::detail
