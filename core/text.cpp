// Text normalization with ICU: UTF-8 validation, NFC, control removal, whitespace collapsing,
// and folding (no diacritics, lower case) for search and ranking.
#include "core/normalize.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>

namespace lg::core {
namespace {

constexpr UChar32 zero_width_non_joiner = 0x200C;
constexpr UChar32 zero_width_joiner = 0x200D;
constexpr UChar32 capital_d_stroke = 0x0110;  // Đ
constexpr UChar32 small_d_stroke = 0x0111;    // đ

// Invisible formatting characters (zero-width space, BOM, bidi overrides) are dropped: they
// make equal names compare unequal. The joiners stay: they change how emoji and some scripts
// render, and that is what the person typed.
bool is_dropped(UChar32 c) {
  const auto type = u_charType(c);
  if (type == U_CONTROL_CHAR) return true;
  return type == U_FORMAT_CHAR && c != zero_width_non_joiner && c != zero_width_joiner;
}

// Decodes UTF-8 (dropping ill-formed bytes), drops invisible characters, collapses every run
// of Unicode white space (NBSP, ideographic space, tabs, newlines, ...) to one ASCII space and
// trims both ends.
icu::UnicodeString clean_decode(std::string_view raw) {
  icu::UnicodeString out;
  const auto* s = reinterpret_cast<const uint8_t*>(raw.data());
  const std::size_t n = raw.size();
  bool pending_space = false;
  for (std::size_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) continue;  // ill-formed sequence: best effort, keep the rest of the text
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (is_dropped(c)) continue;
    if (pending_space) out.append(static_cast<UChar>(u' '));
    pending_space = false;
    out.append(c);
  }
  return out;
}

icu::UnicodeString to_nfc(const icu::UnicodeString& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return s;  // ICU data missing: the text is still clean, just not NFC
  icu::UnicodeString out = nfc->normalize(s, status);
  return U_FAILURE(status) ? s : out;
}

std::string to_utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

// Building a transliterator parses its rules (milliseconds) and an instance must not be used
// by two threads at once, so each thread builds its own on first use and keeps it.
icu::Transliterator* folding_transliterator() {
  thread_local const std::unique_ptr<icu::Transliterator> instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8("NFD; [:Nonspacing Mark:] Remove; NFC; Lower"),
        UTRANS_FORWARD, status));
    if (U_FAILURE(status)) t.reset();
    return t;
  }();
  return instance.get();
}

}  // namespace

bool is_valid_utf8(std::string_view s) noexcept {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) return false;
  }
  return true;
}

// Printable ASCII with single inner spaces is already clean and in NFC (ASCII is NFC-invariant):
// utm values, ids, e-mail-like and numeric fields skip the round trip through UTF-16.
namespace {
bool clean_ascii(std::string_view s) noexcept {
  if (s.empty()) return true;
  if (s.front() == ' ' || s.back() == ' ') return false;
  char prev = 0;
  for (char c : s) {
    if (c < ' ' || c > '~' || (c == ' ' && prev == ' ')) return false;
    prev = c;
  }
  return true;
}
}  // namespace

std::string normalize_text(std::string_view raw) {
  if (clean_ascii(raw)) return std::string(raw);
  return to_utf8(to_nfc(clean_decode(raw)));
}

std::string fold_text(std::string_view raw) {
  icu::UnicodeString s = clean_decode(raw);
  // Đ/đ is a letter of its own, not d + a mark, so decomposition would leave it in place.
  s.findAndReplace(icu::UnicodeString(capital_d_stroke), icu::UnicodeString(u'd'));
  s.findAndReplace(icu::UnicodeString(small_d_stroke), icu::UnicodeString(u'd'));
  if (icu::Transliterator* t = folding_transliterator()) {
    t->transliterate(s);
  } else {
    s.toLower(icu::Locale::getRoot());  // ICU data missing: lower case is the best we can do
  }
  return to_utf8(s);
}

}  // namespace lg::core
