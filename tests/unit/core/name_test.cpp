// core/name.cpp: name casing and the Vietnamese family/given split, table-driven.
#include "core/normalize.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lg::core {
namespace {

struct name_case {
  std::string_view raw;
  std::string_view name;
  std::string_view family;
  std::string_view given;
};

constexpr name_case name_cases[] = {
    {"NGUY\xE1\xBB\x84N  v\xC4\x83n   an", "Nguy\xE1\xBB\x85n V\xC4\x83n An", "Nguy\xE1\xBB\x85n",
     "V\xC4\x83n An"},  // NGUYỄN  văn   an -> Nguyễn Văn An
    {"Nguye\xCC\x82\xCC\x83n Thi\xCC\xA3 Lan", "Nguy\xE1\xBB\x85n Th\xE1\xBB\x8B Lan",
     "Nguy\xE1\xBB\x85n", "Th\xE1\xBB\x8B Lan"},  // NFD -> Nguyễn Thị Lan
    {"nguy\xE1\xBB\x85n th\xE1\xBB\x8B lan", "Nguy\xE1\xBB\x85n Th\xE1\xBB\x8B Lan",
     "Nguy\xE1\xBB\x85n", "Th\xE1\xBB\x8B Lan"},
    {"\xC4\x91\xE1\xBA\xB7ng v\xC4\x83n l\xC3\xA2m", "\xC4\x90\xE1\xBA\xB7ng V\xC4\x83n L\xC3\xA2m",
     "\xC4\x90\xE1\xBA\xB7ng", "V\xC4\x83n L\xC3\xA2m"},  // đặng văn lâm -> Đặng Văn Lâm
    {"TR\xE1\xBA\xA6N\xC2\xA0TH\xE1\xBB\x8A\xE3\x80\x80HOA", "Tr\xE1\xBA\xA7n Th\xE1\xBB\x8B Hoa",
     "Tr\xE1\xBA\xA7n", "Th\xE1\xBB\x8B Hoa"},  // NBSP and ideographic space between words
    {"L\xC3\xAA\tV\xC4\x83n\nT\xC3\xA1m", "L\xC3\xAA V\xC4\x83n T\xC3\xA1m", "L\xC3\xAA",
     "V\xC4\x83n T\xC3\xA1m"},
    {"  lan  ", "Lan", "", "Lan"},  // one word: given name only
    {"LAN", "Lan", "", "Lan"},
    {"ng\xC3\xB4 b\xE1\xBA\xA3o-ch\xC3\xA2u", "Ng\xC3\xB4 B\xE1\xBA\xA3o-Ch\xC3\xA2u", "Ng\xC3\xB4",
     "B\xE1\xBA\xA3o-Ch\xC3\xA2u"},  // each part of a hyphenated word
    {"Lan\xFF Anh", "Lan Anh", "Lan", "Anh"},  // ill-formed byte dropped
    {"", "", "", ""},
    {" \t ", "", "", ""},
};

TEST(name, normalize_and_split_table) {
  for (const auto& c : name_cases) {
    SCOPED_TRACE(::testing::PrintToString(std::string(c.raw)));
    const auto name = normalize_name(c.raw);
    EXPECT_EQ(name, c.name);
    EXPECT_EQ(normalize_name(name), name) << "not a fixed point";
    const auto parts = split_vietnamese_name(name);
    EXPECT_EQ(parts.family, c.family);
    EXPECT_EQ(parts.given, c.given);
  }
}

TEST(name, split_tolerates_unnormalized_spacing) {
  const auto parts = split_vietnamese_name("  Ph\xE1\xBA\xA1m   Minh Ch\xC3\xADnh ");
  EXPECT_EQ(parts.family, "Ph\xE1\xBA\xA1m");
  EXPECT_EQ(parts.given, "Minh Ch\xC3\xADnh");
}

}  // namespace
}  // namespace lg::core
