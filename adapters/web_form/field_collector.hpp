// Internal to the web form adapter: what the three body parsers share. Every field passes
// through field_collector, which enforces the source's bounds (field count, value length,
// name length) and UTF-8, so each parser only has to find names and values.
#pragma once

#include "adapters/web_form/web_form.hpp"
#include "core/ascii.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace lg::adapters::web_form::detail {

inline constexpr std::size_t max_name_length = 256;

// A field name fit to be echoed in an error's "field" (valid UTF-8, short), else "".
std::string printable_name(std::string_view raw);

class field_collector {
 public:
  field_collector(std::size_t max_fields, std::size_t max_field_length)
      : max_fields_(max_fields), max_field_length_(max_field_length) {}

  // Checks then keeps one field. Fields without a name are dropped: nothing can map them.
  std::optional<core::error> add(std::string name, std::string value);
  // Counts a part that yields no field (a multipart file), so files cannot dodge the bound.
  std::optional<core::error> count(std::string_view name);
  // The value bound, so parsers can stop before copying an oversized value.
  std::optional<core::error> check_length(std::string_view name, std::size_t value_size) const;

  field_list take() { return std::move(fields_); }

 private:
  std::size_t max_fields_;
  std::size_t max_field_length_;
  std::size_t seen_ = 0;
  field_list fields_;
};


// The first value of `name` in a URL query (a=1&b=2), decoded; nullopt when absent or malformed.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

using core::ascii_lower;
using core::lower_ascii;
std::string_view trim(std::string_view s) noexcept;

}  // namespace lg::adapters::web_form::detail
