// A URL query string ("a=1&b=x%20y") as a map, decoded, bounded: the admin API's GET filters.
#pragma once

#include "core/error.hpp"

#include <expected>
#include <map>
#include <string>
#include <string_view>

namespace lg::gateway {

inline constexpr std::size_t query_max_params = 32;
inline constexpr std::size_t query_max_value = 1024;

// The first value of each name wins; '+' is a space. A malformed escape, too many parameters
// or an over-long value is a bad_request naming the parameter.
std::expected<std::map<std::string, std::string>, core::error> parse_query(std::string_view query);

}  // namespace lg::gateway
