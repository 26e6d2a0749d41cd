// The one percent codec (RFC 3986): what URLs, query strings and form bodies escape.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lg::core {

// Every byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~) as %XX, so the result
// is safe as a path segment, a query value or a form value.
std::string percent_encode(std::string_view s);

// %XX decoded (either case); with plus_is_space (form bodies and query strings) '+' is a space.
// nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space = false);

}  // namespace lg::core
