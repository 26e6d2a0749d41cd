// JSON form bodies: a flat object (most form builders), nested objects (flattened with '.'),
// and LadiPage's form_data:[{name,value}] (entries become fields by their own name).
#include "adapters/web_form/field_collector.hpp"

#include <nlohmann/json.hpp>

namespace lg::adapters::web_form {

using core::errc;
using core::make_error;
using nlohmann::json;

namespace {

constexpr std::size_t max_depth = 32;

// Nesting depth of the JSON text, found before parsing so a hostile body cannot make the
// parser build a deep tree first.
std::size_t nesting_depth(std::string_view s) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::optional<std::string> scalar_text(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer: return std::to_string(v.get<std::int64_t>());
    case json::value_t::number_unsigned: return std::to_string(v.get<std::uint64_t>());
    case json::value_t::number_float: return v.dump();
    default: return std::nullopt;  // null, object, array
  }
}

bool is_name_value_list(const json& a) {
  if (a.empty()) return false;
  for (const auto& e : a)
    if (!e.is_object() || !e.contains("name") || !e.at("name").is_string()) return false;
  return true;
}

bool is_scalar_list(const json& a) {
  for (const auto& e : a)
    if (e.is_object() || e.is_array()) return false;
  return true;
}

std::optional<core::error> flatten(const json& obj, const std::string& prefix, detail::field_collector& out) {
  for (const auto& [key, value] : obj.items()) {
    const std::string name = prefix.empty() ? key : prefix + "." + key;
    if (value.is_object()) {
      if (auto e = flatten(value, name, out)) return e;
    } else if (value.is_array() && is_name_value_list(value)) {
      for (const auto& entry : value) {
        const auto it = entry.find("value");
        const auto text = it == entry.end() ? std::optional<std::string>("") : scalar_text(*it);
        // A non-scalar value is kept as its JSON text rather than dropped.
        if (auto e = out.add(entry.at("name").get<std::string>(), text ? *text : it->dump())) return e;
      }
    } else if (value.is_array() && is_scalar_list(value)) {
      for (const auto& item : value)
        if (auto text = scalar_text(item))
          if (auto e = out.add(name, std::move(*text))) return e;
    } else if (value.is_array()) {
      if (auto e = out.add(name, value.dump())) return e;
    } else if (auto text = scalar_text(value)) {
      if (auto e = out.add(name, std::move(*text))) return e;
    }
  }
  return std::nullopt;
}

}  // namespace

std::expected<field_list, core::error> parse_json(std::string_view body, std::size_t max_fields,
                                                  std::size_t max_field_length) {
  if (nesting_depth(body) > max_depth)
    return std::unexpected(
        make_error(errc::bad_request, "JSON body is nested deeper than " + std::to_string(max_depth) + " levels"));
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    return std::unexpected(make_error(errc::bad_request, "body is not valid JSON (at byte " + std::to_string(e.byte) + ")"));
  }
  if (!j.is_object()) return std::unexpected(make_error(errc::bad_request, "JSON body must be an object"));
  detail::field_collector fields(max_fields, max_field_length);
  if (auto e = flatten(j, "", fields)) return std::unexpected(std::move(*e));
  return fields.take();
}

}  // namespace lg::adapters::web_form
