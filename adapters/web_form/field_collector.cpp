#include "adapters/web_form/field_collector.hpp"

#include "core/percent.hpp"

#include "core/normalize.hpp"

namespace lg::adapters::web_form::detail {

using core::errc;
using core::make_error;

std::string printable_name(std::string_view raw) {
  if (raw.size() > max_name_length || !core::is_valid_utf8(raw)) return {};
  return std::string(raw);
}

std::optional<core::error> field_collector::count(std::string_view name) {
  if (++seen_ > max_fields_)
    return make_error(errc::payload_too_large, "more than " + std::to_string(max_fields_) + " fields",
                      printable_name(name));
  return std::nullopt;
}

std::optional<core::error> field_collector::check_length(std::string_view name, std::size_t value_size) const {
  if (value_size > max_field_length_)
    return make_error(errc::payload_too_large,
                      "field '" + printable_name(name) + "' is longer than " + std::to_string(max_field_length_) +
                          " bytes",
                      printable_name(name));
  return std::nullopt;
}

std::optional<core::error> field_collector::add(std::string name, std::string value) {
  if (name.empty()) return std::nullopt;
  if (name.size() > max_name_length)
    return make_error(errc::payload_too_large,
                      "a field name is longer than " + std::to_string(max_name_length) + " bytes");
  if (!core::is_valid_utf8(name)) return make_error(errc::bad_request, "a field name is not valid UTF-8");
  if (auto e = count(name)) return e;
  if (auto e = check_length(name, value.size())) return e;
  if (!core::is_valid_utf8(value))
    return make_error(errc::bad_request, "field '" + name + "' is not valid UTF-8", name);
  fields_.emplace_back(std::move(name), std::move(value));
  return std::nullopt;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    const auto key = core::percent_decode(pair.substr(0, eq), true);
    if (key && *key == name)
      return eq == std::string_view::npos ? std::optional<std::string>("") : core::percent_decode(pair.substr(eq + 1), true);
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string_view trim(std::string_view s) noexcept {
  const auto ws = " \t\r\n";
  const auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

}  // namespace lg::adapters::web_form::detail
