// Internal: the field names a preset understands without any field_map. A source's own
// field_map always wins; a preset only fills in names the source did not map.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace lg::adapters::web_form::detail {

using name_target = std::pair<std::string_view, std::string_view>;  // lower-case input name -> target

// "generic" (also the default when a form source names no preset): every simple target by its
// own name ("phone" -> phone, "utm_source" -> utm_source). "ladipage": generic plus LadiPage's
// flat JSON names ("name" -> full_name). Unknown presets get the generic table (config rejects them).
const std::vector<name_target>& preset_fields(std::string_view preset);

}  // namespace lg::adapters::web_form::detail
