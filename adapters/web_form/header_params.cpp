#include "adapters/web_form/header_params.hpp"

#include "adapters/web_form/field_collector.hpp"

namespace lg::adapters::web_form::detail {

std::optional<std::string> header_value::param(std::string_view lower_name) const {
  for (const auto& [name, value] : params)
    if (name == lower_name) return value;
  return std::nullopt;
}

std::optional<header_value> parse_header_value(std::string_view text) {
  header_value out;
  const auto semi = text.find(';');
  out.value = lower_ascii(trim(text.substr(0, semi)));
  if (semi == std::string_view::npos) return out;
  std::size_t i = semi + 1;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == ';')) ++i;
    if (i >= text.size()) break;
    const auto eq = text.find('=', i);
    const auto next_semi = text.find(';', i);
    if (eq == std::string_view::npos || (next_semi != std::string_view::npos && next_semi < eq)) {
      // A bare word such as "; foo;" is not a parameter; skip it rather than guess.
      if (next_semi == std::string_view::npos) break;
      i = next_semi + 1;
      continue;
    }
    auto name = lower_ascii(trim(text.substr(i, eq - i)));
    if (name.empty()) return std::nullopt;
    i = eq + 1;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::string value;
    if (i < text.size() && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        const char c = text[i++];
        if (c == '\\' && i < text.size()) {
          value += text[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return std::nullopt;
      const auto after = text.find(';', i);
      i = after == std::string_view::npos ? text.size() : after + 1;
    } else {
      const auto end = text.find(';', i);
      value = trim(text.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
      i = end == std::string_view::npos ? text.size() : end + 1;
    }
    out.params.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

}  // namespace lg::adapters::web_form::detail
