// Origin matching; see cors.hpp.
#include "gateway/cors.hpp"

namespace lg::gateway::cors {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin) noexcept {
  if (origin.empty()) return false;
  for (const auto& entry : allowed) {
    std::string_view e = entry;
    if (e == "*") return true;
    while (!e.empty() && e.back() == '/') e.remove_suffix(1);
    if (iequals(e, origin)) return true;
  }
  return false;
}

}  // namespace lg::gateway::cors
