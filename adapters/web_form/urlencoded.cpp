// application/x-www-form-urlencoded, as browsers send it (WHATWG URL standard): pairs split
// on '&', '+' is a space, %XX is a byte; the decoded bytes must be UTF-8.
#include "adapters/web_form/field_collector.hpp"
#include "core/percent.hpp"

namespace lg::adapters::web_form {

using core::errc;
using core::make_error;

std::expected<field_list, core::error> parse_urlencoded(std::string_view body, std::size_t max_fields,
                                                        std::size_t max_field_length) {
  detail::field_collector fields(max_fields, max_field_length);
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2"

    const auto eq = pair.find('=');
    const auto raw_name = pair.substr(0, eq);
    const auto raw_value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    auto name = core::percent_decode(raw_name, true);
    if (!name)
      return std::unexpected(make_error(errc::bad_request, "malformed %-escape in a field name",
                                        detail::printable_name(raw_name)));
    auto value = core::percent_decode(raw_value, true);
    if (!value)
      return std::unexpected(make_error(errc::bad_request,
                                        "malformed %-escape in field '" + detail::printable_name(*name) + "'",
                                        detail::printable_name(*name)));
    if (auto e = fields.add(std::move(*name), std::move(*value))) return std::unexpected(std::move(*e));
  }
  return fields.take();
}

}  // namespace lg::adapters::web_form
