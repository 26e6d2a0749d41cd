// Internal: "value; name=token; other=\"quoted \\\" string\"" as in Content-Type (RFC 9110
// §5.6.6) and Content-Disposition (RFC 6266). Parameter names are lower-cased.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::adapters::web_form::detail {

struct header_value {
  std::string value;  // the part before the first ';', trimmed and lower-cased ("multipart/form-data")
  std::vector<std::pair<std::string, std::string>> params;

  // The first parameter with that (lower-case) name.
  std::optional<std::string> param(std::string_view lower_name) const;
};

// nullopt when a quoted string is not terminated or a parameter has no name.
std::optional<header_value> parse_header_value(std::string_view text);

}  // namespace lg::adapters::web_form::detail
