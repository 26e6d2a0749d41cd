// ASCII-only case handling for protocol text (header and field names, media types, tokens):
// only A-Z change, so UTF-8 text passes through untouched. Names are folded with fold_text
// (core/normalize.hpp), never with these.
#pragma once

#include <string>
#include <string_view>

namespace lg::core {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

// Equal but for the case of ASCII letters.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

}  // namespace lg::core
