// core/text.cpp: UTF-8 validation, text normalization and folding, table-driven.
#include "core/normalize.hpp"

#include <gtest/gtest.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace lg::core {
namespace {

struct utf8_case {
  std::string_view bytes;
  bool valid;
};

constexpr utf8_case utf8_cases[] = {
    {"", true},
    {"abc", true},
    {"Vi\xE1\xBB\x87t Nam", true},       // Việt Nam
    {"\xF0\x9F\x98\x80", true},           // U+1F600
    {"\xF4\x8F\xBF\xBF", true},           // U+10FFFF, the last code point
    {"\xC3\x28", false},                  // lead byte without its trail byte
    {"\xE2\x82", false},                  // truncated 3-byte sequence
    {"\x80", false},                      // lone trail byte
    {"\xC0\xAF", false},                  // overlong '/'
    {"\xED\xA0\x80", false},              // UTF-16 surrogate
    {"\xF4\x90\x80\x80", false},          // above U+10FFFF
    {"\xFF", false},
};

TEST(text, is_valid_utf8_table) {
  for (const auto& c : utf8_cases) {
    SCOPED_TRACE(::testing::PrintToString(std::string(c.bytes)));
    EXPECT_EQ(is_valid_utf8(c.bytes), c.valid);
  }
}

struct text_case {
  std::string_view raw;
  std::string_view normalized;
};

constexpr text_case text_cases[] = {
    {"", ""},
    {"   ", ""},
    {"  a \t b\r\n c ", "a b c"},
    {"a\xC2\xA0\xC2\xA0" "b", "a b"},                  // NBSP
    {"a\xE3\x80\x80" "b\xE2\x80\xAF" "c", "a b c"},    // ideographic space, narrow NBSP
    {"x\x01y\x7Fz\xC2\x85", "xyz"},                    // C0, DEL; NEL is white space at the end
    {"a\xE2\x80\x8B" "b", "ab"},                       // zero-width space
    {"\xEF\xBB\xBFHello", "Hello"},                    // byte-order mark
    {"ab\xC3\x28" "cd", "ab(cd"},                      // ill-formed byte dropped, rest kept
    {"a\xED\xA0\x80" "b\xFF", "ab"},                   // surrogate and 0xFF dropped
    {"Nguye\xCC\x82\xCC\x83n", "Nguy\xE1\xBB\x85n"},   // NFD -> NFC: Nguyễn
    {"Hoa\xCC\x80", "Ho\xC3\xA0"},                     // Hoà
    {"\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x8E\x93", "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x8E\x93"},  // ZWJ kept
    // Printable ASCII takes a shortcut; everything that needs cleaning must still get it.
    {"utm-bench_01 a.b", "utm-bench_01 a.b"},
    {"a  b", "a b"},
    {" a", "a"},
    {"a ", "a"},
    {"a\tb", "a b"},
    {"a\x7F" "b", "ab"},
    {"~!@#$%^&*()_+{}|:<>?", "~!@#$%^&*()_+{}|:<>?"},
};

TEST(text, normalize_text_table) {
  for (const auto& c : text_cases) {
    SCOPED_TRACE(::testing::PrintToString(std::string(c.raw)));
    const auto got = normalize_text(c.raw);
    EXPECT_EQ(got, c.normalized);
    EXPECT_TRUE(is_valid_utf8(got));
    EXPECT_EQ(normalize_text(got), got) << "not a fixed point";
  }
}

constexpr text_case fold_cases[] = {
    {"\xC4\x90\xE1\xBA\xB7ng", "dang"},                           // Đặng
    {"H\xC3\xA0 N\xE1\xBB\x99i", "ha noi"},                       // Hà Nội
    {"  NGUY\xE1\xBB\x84N   Th\xE1\xBB\x8B  LAN ", "nguyen thi lan"},  // NGUYỄN Thị LAN
    {"Nguye\xCC\x82\xCC\x83n", "nguyen"},                         // NFD input
    {"Ph\xE1\xBB\x9F \xC4\x91\xC6\xB0\xE1\xBB\x9Dng", "pho duong"},  // Phở đường
    {"\xC3\x9Cmlaut Caf\xC3\xA9", "umlaut cafe"},                 // Ümlaut Café
    {"IELTS 7.0", "ielts 7.0"},
    {"", ""},
};

TEST(text, fold_text_table) {
  for (const auto& c : fold_cases) {
    SCOPED_TRACE(std::string(c.raw));
    EXPECT_EQ(fold_text(c.raw), c.normalized);
  }
}

TEST(text, folding_is_consistent_across_threads) {
  // The normalizers are shared by every thread; all of them must agree.
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&results, i] {
      for (int n = 0; n < 50; ++n) results[i] = fold_text("\xC4\x90\xE1\xBA\xB7ng Th\xE1\xBB\x8B H\xC3\xA0");
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : results) EXPECT_EQ(r, "dang thi ha");
}

// fold_text is built from the normalizers; ICU's transliterator with the same rules is the
// reference. Every letter of the Latin blocks (Vietnamese's precomposed vowels with tones in
// Latin Extended Additional), Greek and Cyrillic, in both cases, alone and with a combining
// mark after it, in a name-like string.
TEST(text, fold_text_agrees_with_the_icu_transliterator) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> reference(icu::Transliterator::createInstance(
      icu::UnicodeString::fromUTF8("NFD; [:Nonspacing Mark:] Remove; NFC; Lower"), UTRANS_FORWARD, status));
  ASSERT_TRUE(U_SUCCESS(status)) << u_errorName(status);
  const std::pair<UChar32, UChar32> blocks[] = {
      {0x00C0, 0x024F}, {0x0370, 0x03FF}, {0x0400, 0x04FF}, {0x1E00, 0x1EFF}};
  int compared = 0;
  for (const auto& [lo, hi] : blocks) {
    for (UChar32 c = lo; c <= hi; ++c) {
      if (!u_isalpha(c)) continue;
      for (UChar32 mark : {0, 0x0301, 0x0303, 0x0323}) {  // none, acute, tilde, dot below
        icu::UnicodeString u(u"Nguy");
        u.append(c);
        if (mark != 0) u.append(mark);
        u.append(icu::UnicodeString(u" Th")).append(static_cast<UChar32>(0x1ECB));  // " Thị"
        u.append(icu::UnicodeString(u" Lan"));
        std::string in;
        u.toUTF8String(in);
        icu::UnicodeString expected(u);
        expected.findAndReplace(icu::UnicodeString(static_cast<UChar>(0x0110)), icu::UnicodeString(u'd'));
        expected.findAndReplace(icu::UnicodeString(static_cast<UChar>(0x0111)), icu::UnicodeString(u'd'));
        reference->transliterate(expected);
        std::string want;
        expected.toUTF8String(want);
        ASSERT_EQ(fold_text(in), want) << "U+" << std::hex << c << " mark U+" << mark;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 1000);
}

}  // namespace
}  // namespace lg::core
