// Text normalization with ICU: UTF-8 validation, NFC, control removal, whitespace collapsing,
// and folding (no diacritics, lower case) for search and ranking.
#include "core/normalize.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

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

// Folding is NFD, every nonspacing mark (general category Mn) removed, NFC, lower case: the
// same as ICU's "NFD; [:Nonspacing Mark:] Remove; NFC; Lower" transliterator (a unit test
// compares the two), built from the normalizers directly because the transliterator costs
// several times more per name and it runs for every lead event.
std::string fold_text(std::string_view raw) {
  if (clean_ascii(raw)) {
    std::string out(raw);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
  }
  icu::UnicodeString s = clean_decode(raw);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  if (U_SUCCESS(status)) {
    const icu::UnicodeString decomposed = nfd->normalize(s, status);
    icu::UnicodeString kept;
    for (int32_t i = 0; U_SUCCESS(status) && i < decomposed.length();) {
      const UChar32 c = decomposed.char32At(i);
      i += U16_LENGTH(c);
      // Đ/đ is a letter of its own, not d + a mark, so decomposition leaves it in place.
      if (c == capital_d_stroke || c == small_d_stroke) {
        kept.append(static_cast<UChar>(u'd'));
      } else if (u_charType(c) != U_NON_SPACING_MARK) {
        kept.append(c);
      }
    }
    if (U_SUCCESS(status)) s = to_nfc(kept);
  }
  // Without ICU data the text is still clean, lower-cased, just not stripped of marks.
  s.toLower(icu::Locale::getRoot());
  return to_utf8(s);
}

}  // namespace lg::core
