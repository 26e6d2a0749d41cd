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

using query_params = std::map<std::string, std::string>;

// A whole number in [min, max], `def` when the parameter is absent; otherwise invalid_field
// naming it ("limit must be a whole number from 1 to 200").
std::expected<std::size_t, core::error> number_param(const query_params& q, const std::string& name, std::size_t def,
                                                     std::size_t min, std::size_t max);

// A stream entry id ("1717000000000-0"), "" when absent; invalid_field naming it otherwise.
std::expected<std::string, core::error> entry_id_param(const query_params& q, const std::string& name);

// One page of a stream listing: ?limit=N (1..max, default `def`) &after=<entry id> (exclusive).
struct stream_page {
  std::size_t limit = 0;
  std::string after;  // "" : from the newest
};
std::expected<stream_page, core::error> stream_page_param(std::string_view query, std::size_t def, std::size_t max);

}  // namespace lg::gateway
