// Person names: casing fixed per word ("NGUYỄN  văn   an" -> "Nguyễn Văn An") and the
// Vietnamese family-first split.
#include "core/normalize.hpp"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <memory>

namespace lg::core {
namespace {

const icu::Locale& vietnamese() {
  static const icu::Locale vi("vi");
  return vi;
}

// toTitle() re-targets the break iterator at each string, so an iterator cannot be shared
// between threads; building one loads break rules, so each thread keeps its own.
icu::BreakIterator* word_breaker() {
  thread_local const std::unique_ptr<icu::BreakIterator> instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(icu::BreakIterator::createWordInstance(vietnamese(), status));
    if (U_FAILURE(status)) b.reset();
    return b;
  }();
  return instance.get();
}

}  // namespace

std::string normalize_name(std::string_view raw) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(normalize_text(raw));
  // Lower first so that toTitle only has to raise each word's first letter; toTitle with a
  // null iterator would build a fresh word iterator on every call.
  s.toLower(vietnamese());
  if (icu::BreakIterator* words = word_breaker()) s.toTitle(words, vietnamese());
  std::string out;
  s.toUTF8String(out);
  return out;
}

name_parts split_vietnamese_name(std::string_view normalized_full_name) {
  std::string_view s = normalized_full_name;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  const auto space = s.find(' ');
  if (space == std::string_view::npos) return {{}, std::string(s)};
  std::string_view given = s.substr(space + 1);
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  return {std::string(s.substr(0, space)), std::string(given)};
}

}  // namespace lg::core
