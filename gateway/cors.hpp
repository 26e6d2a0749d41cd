// CORS for the form endpoints: which browser origins a source accepts, and the headers a
// preflight answer carries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lg::gateway::cors {

inline constexpr std::string_view allow_methods = "POST, OPTIONS";
inline constexpr std::string_view allow_headers = "Content-Type, Idempotency-Key, X-Leadgate-Token";
inline constexpr std::string_view max_age = "600";

// True when `origin` (the request's Origin header) is in `allowed`. "*" allows any origin.
// Scheme and host compare case-insensitively; a trailing '/' in the config is ignored.
bool origin_allowed(const std::vector<std::string>& allowed, std::string_view origin) noexcept;

}  // namespace lg::gateway::cors
