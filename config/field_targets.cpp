#include "config/field_targets.hpp"

#include <algorithm>

namespace lg::config {

bool is_known_target(std::string_view target) noexcept {
  if (std::find(simple_targets.begin(), simple_targets.end(), target) != simple_targets.end()) return true;
  const auto dot = target.find('.');
  if (dot == std::string_view::npos) return false;
  const auto prefix = target.substr(0, dot);
  const auto key = target.substr(dot + 1);
  if (std::find(prefixed_targets.begin(), prefixed_targets.end(), prefix) == prefixed_targets.end()) return false;
  if (key.empty() || key.size() > max_target_key_length) return false;
  // Lower-case keys only: they become CRM field names and JSON keys of the lead event.
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

}  // namespace lg::config
