#include "adapters/inbound_request.hpp"

#include <algorithm>

namespace lg::adapters {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::optional<std::string_view> inbound_request::header(std::string_view lower_name) const {
  // The gateway lower-cases names; comparing without case still protects requests built by hand.
  for (const auto& [name, value] : headers)
    if (iequals(name, lower_name)) return std::string_view(value);
  return std::nullopt;
}

}  // namespace lg::adapters
