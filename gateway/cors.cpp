// Origin matching; see cors.hpp.
#include "gateway/cors.hpp"

#include "core/ascii.hpp"

namespace lg::gateway::cors {

bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin) noexcept {
  if (origin.empty()) return false;
  for (const auto& entry : allowed) {
    std::string_view e = entry;
    if (e == "*") return true;
    while (!e.empty() && e.back() == '/') e.remove_suffix(1);
    if (core::iequals(e, origin)) return true;
  }
  return false;
}

}  // namespace lg::gateway::cors
