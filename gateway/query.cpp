// See query.hpp.
#include "gateway/query.hpp"

#include "adapters/web_form/field_collector.hpp"

namespace lg::gateway {

std::expected<std::map<std::string, std::string>, core::error> parse_query(std::string_view query) {
  using adapters::web_form::detail::percent_decode;
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

}  // namespace lg::gateway
