// See query.hpp.
#include "gateway/query.hpp"

#include "store/streams.hpp"

#include <charconv>

#include "core/percent.hpp"

namespace lg::gateway {

std::expected<std::map<std::string, std::string>, core::error> parse_query(std::string_view query) {
  using core::percent_decode;
  std::map<std::string, std::string> out;
  std::size_t count = 0;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    if (++count > query_max_params)
      return std::unexpected(core::make_error(core::errc::bad_request,
                                              "more than " + std::to_string(query_max_params) + " query parameters"));
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1), true);
    if (!name || !value)
      return std::unexpected(core::make_error(core::errc::bad_request, "malformed %-escape in the query",
                                              name ? *name : std::string()));
    if (value->size() > query_max_value)
      return std::unexpected(core::make_error(core::errc::bad_request,
                                              "query value longer than " + std::to_string(query_max_value), *name));
    out.emplace(std::move(*name), std::move(*value));
  }
  return out;
}

std::expected<std::size_t, core::error> number_param(const query_params& q, const std::string& name, std::size_t def,
                                                     std::size_t min, std::size_t max) {
  const auto it = q.find(name);
  if (it == q.end()) return def;
  std::size_t v = 0;
  const auto& s = it->second;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || v < min || v > max)
    return std::unexpected(core::make_error(
        core::errc::invalid_field,
        name + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max), name));
  return v;
}

std::expected<std::string, core::error> entry_id_param(const query_params& q, const std::string& name) {
  const auto it = q.find(name);
  if (it == q.end()) return std::string();
  if (it->second.size() > 41 || !store::parse_stream_id(it->second))
    return std::unexpected(
        core::make_error(core::errc::invalid_field, name + " must be an entry id such as 1717000000000-0", name));
  return it->second;
}

std::expected<stream_page, core::error> stream_page_param(std::string_view query, std::size_t def, std::size_t max) {
  auto q = parse_query(query);
  if (!q) return std::unexpected(q.error());
  auto limit = number_param(*q, "limit", def, 1, max);
  if (!limit) return std::unexpected(limit.error());
  auto after = entry_id_param(*q, "after");
  if (!after) return std::unexpected(after.error());
  return stream_page{*limit, std::move(*after)};
}

}  // namespace lg::gateway
