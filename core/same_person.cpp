// See same_person.hpp.
#include "core/same_person.hpp"

#include <cstddef>

namespace lg::core {
namespace {

// The words of a folded name; a name of more words than this is compared whole.
constexpr std::size_t max_words = 12;

struct words {
  std::string_view w[max_words];
  std::size_t n = 0;
  bool overflow = false;
};

words split(std::string_view s) noexcept {
  words out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos == s.size()) break;
    auto end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    if (out.n == max_words) {
      out.overflow = true;
      break;
    }
    out.w[out.n++] = s.substr(pos, end - pos);
    pos = end;
  }
  return out;
}

// Whether a[from_a, to_a) appears in b[from_b, to_b) in order (a subsequence).
bool in_order(const words& a, std::size_t from_a, std::size_t to_a, const words& b, std::size_t from_b,
              std::size_t to_b) noexcept {
  std::size_t i = from_a;
  for (std::size_t j = from_b; j < to_b && i < to_a; ++j)
    if (a.w[i] == b.w[j]) ++i;
  return i == to_a;
}

// a[a0, a1) (not longer than b[b0, b1)) is b[b0, b1) without its family name and/or some middle
// names, with the same given name (its last word).
bool shortened(const words& a, std::size_t a0, std::size_t a1, const words& b, std::size_t b0,
               std::size_t b1) noexcept {
  if (a1 <= a0 || a1 - a0 > b1 - b0 || a.w[a1 - 1] != b.w[b1 - 1]) return false;
  return in_order(a, a0, a1 - 1, b, b0, b1 - 1);
}

// `g` is `v` with the family name written last: first name(s) then family name, the first
// names either in Vietnamese order ("thi lan nguyen") or given name first ("lan thi nguyen").
bool family_last(const words& g, const words& v) noexcept {
  if (g.n < 2 || v.n < 2 || g.n > v.n || g.w[g.n - 1] != v.w[0]) return false;
  if (shortened(g, 0, g.n - 1, v, 1, v.n)) return true;
  return g.w[0] == v.w[v.n - 1] && in_order(g, 1, g.n - 1, v, 1, v.n - 1);
}

}  // namespace

bool same_person(std::string_view a, std::string_view b) noexcept {
  if (a.empty() || b.empty() || a == b) return true;
  const auto x = split(a), y = split(b);
  if (x.overflow || y.overflow) return false;
  return shortened(x, 0, x.n, y, 0, y.n) || shortened(y, 0, y.n, x, 0, x.n) || family_last(x, y) ||
         family_last(y, x);
}

bool different_person(std::string_view a, std::string_view b) noexcept {
  return !a.empty() && !b.empty() && !same_person(a, b);
}

}  // namespace lg::core
