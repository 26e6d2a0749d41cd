// core/phone.cpp: phone normalization to E.164, table-driven.
#include "core/normalize.hpp"
#include "unit/core/refused.hpp"

#include <gtest/gtest.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <cstdint>
#include <string>

namespace lg::core {
namespace {

const normalize_case phone_cases[] = {  // normalized: the E.164 form
    // Today's mobile numbers in the ways people and providers write them.
    {"0912 345 678", "+84912345678"},
    {"0912345678", "+84912345678"},
    {"84912345678", "+84912345678"},  // Zalo, Stringee
    {"+84912345678", "+84912345678"},
    {"+84 912-345-678", "+84912345678"},
    {"0912.345.678", "+84912345678"},
    {"(+84) 912 345 678", "+84912345678"},
    {"0084912345678", "+84912345678"},
    {"+84 0912 345 678", "+84912345678"},  // trunk 0 kept after the country code
    {" 0912\xC2\xA0" "345\xC2\xA0" "678 ", "+84912345678"},  // NBSP from a pasted web page
    {"0398765432", "+84398765432"},
    {"0868 123 456", "+84868123456"},
    // Pre-2018 11-digit mobile numbers, national and international forms.
    {"01691234567", "+84391234567"},
    {"0169 123 4567", "+84391234567"},
    {"841691234567", "+84391234567"},
    {"+841691234567", "+84391234567"},
    {"+84 169 123 4567", "+84391234567"},
    {"00841691234567", "+84391234567"},
    {"01621234567", "+84321234567"},
    {"01201234567", "+84701234567"},
    {"+84 120 123 4567", "+84701234567"},
    {"01231234567", "+84831234567"},
    {"01291234567", "+84821234567"},
    {"01861234567", "+84561234567"},
    {"01881234567", "+84581234567"},
    {"01991234567", "+84591234567"},
    {"841991234567", "+84591234567"},
    {"+841991234567", "+84591234567"},
    // Landlines (area code 24 Hà Nội, 28 TP.HCM, 236 Đà Nẵng).
    {"024 3825 1234", "+842438251234"},
    {"(028) 3822 1234", "+842838221234"},
    {"+84 24 3825 1234", "+842438251234"},
    {"0236 3821 234", "+842363821234"},
    // Foreign numbers keep their country code.
    {"+1 202 555 0143", "+12025550143"},
    {"+1 (202) 555-0143", "+12025550143"},
    {"0044 20 7946 0958", "+442079460958"},
    // Rejections.
    {"", "", "empty"},
    {"   ", "", "empty"},
    {"+", "", "no digits"},
    {"12345", "", "short"},
    {"09123", "", "short"},
    {"0912abc678", "", "only digits"},
    {"call me 0912345678", "", "only digits"},
    {"0912+345678", "", "only digits"},
    {"09123456789012345", "", "too long"},
    {"+999 123 4567", "", "country code"},
    {"0112 345 678", "", "not a valid phone number"},
    {"0912 345 678 0912 345 678 0912 345 678 0912 345 678 0912 345 678 0", "", "too long"},
};

TEST(phone, normalize_table) {
  expect_table(phone_cases, [](const std::string& raw) { return normalize_phone(raw); }, "phone");
}

TEST(phone, normalized_output_is_a_fixed_point) {
  for (const auto& c : phone_cases) {
    if (c.normalized.empty()) continue;
    SCOPED_TRACE(c.normalized);
    const auto again = normalize_phone(c.normalized);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, c.normalized);
  }
}

TEST(phone, the_84_shortcut_is_only_for_vietnam) {
  // With another default region "84…" is not read as +84: a US caller typing 11 digits
  // starting with 84 is not a Vietnamese number.
  EXPECT_FALSE(normalize_phone("84912345678", "US").has_value());
  const auto us = normalize_phone("(202) 555-0143", "US");
  ASSERT_TRUE(us.has_value()) << us.error().message;
  EXPECT_EQ(*us, "+12025550143");
  // The legacy remap belongs to Vietnamese national numbers only.
  EXPECT_FALSE(normalize_phone("01691234567", "US").has_value());
}

TEST(phone, unknown_default_region_needs_a_country_code) {
  EXPECT_FALSE(normalize_phone("0912345678", "XX").has_value());
  const auto intl = normalize_phone("+84912345678", "XX");
  ASSERT_TRUE(intl.has_value()) << intl.error().message;
  EXPECT_EQ(*intl, "+84912345678");
}

struct legacy_case {
  std::string_view old_prefix;
  std::string_view new_prefix;
};

// The full 2018 table (see the source comment in core/phone.cpp for where it is published).
constexpr legacy_case legacy_cases[] = {
    {"0120", "070"}, {"0121", "079"}, {"0122", "077"}, {"0126", "076"}, {"0128", "078"},
    {"0123", "083"}, {"0124", "084"}, {"0125", "085"}, {"0127", "081"}, {"0129", "082"},
    {"0162", "032"}, {"0163", "033"}, {"0164", "034"}, {"0165", "035"}, {"0166", "036"},
    {"0167", "037"}, {"0168", "038"}, {"0169", "039"}, {"0186", "056"}, {"0188", "058"},
    {"0199", "059"},
};

TEST(phone, legacy_prefix_table) {
  for (const auto& c : legacy_cases) {
    SCOPED_TRACE(std::string(c.old_prefix));
    const std::string old_number = std::string(c.old_prefix) + "2345678";
    const std::string new_number = std::string(c.new_prefix) + "2345678";
    EXPECT_EQ(remap_vn_legacy_mobile(old_number), new_number);
    // Every remapped number must be a valid Vietnamese mobile number today.
    const auto e164 = normalize_phone(old_number);
    ASSERT_TRUE(e164.has_value()) << e164.error().message;
    EXPECT_EQ(*e164, "+84" + new_number.substr(1));
  }
}

TEST(phone, legacy_remap_leaves_other_numbers_alone) {
  for (std::string_view s : {"0912345678", "02438251234", "0169123456", "016912345678", "0161234567",
                             "01101234567", "", "0169"}) {
    SCOPED_TRACE(std::string(s));
    EXPECT_EQ(remap_vn_legacy_mobile(s), s);
  }
}

// core/phone.cpp skips Parse for Vietnamese numbers already in digits and lets IsValidNumber
// decide. The oracle here is libphonenumber's full path (Parse, IsValidNumber, Format): for every
// three-digit national prefix, nine- and ten-digit national numbers, in the national ("0…") and
// international ("+84…") forms, both must agree on the number and on accept or reject.
TEST(phone, fast_path_agrees_with_libphonenumber_parse) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  auto oracle = [&](const std::string& text) -> std::string {
    PhoneNumber n;
    if (util.Parse(text, "VN", &n) != PhoneNumberUtil::NO_PARSING_ERROR || !util.IsValidNumber(n)) return {};
    std::string out;
    util.Format(n, PhoneNumberUtil::E164, &out);
    return out;
  };
  std::uint64_t seed = 0x9e3779b97f4a7c15ULL;
  auto next_digits = [&](std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      out += static_cast<char>('0' + (seed >> 33) % 10);
    }
    return out;
  };
  int valid = 0, compared = 0;
  for (int prefix = 100; prefix <= 999; ++prefix) {
    for (std::size_t length : {9u, 10u}) {
      for (int sample = 0; sample < 2; ++sample) {
        const std::string national = std::to_string(prefix) + next_digits(length - 3);
        // Pre-2018 mobile numbers are remapped before either path; the table test covers them.
        if (remap_vn_legacy_mobile("0" + national) != "0" + national) continue;
        for (const std::string& text : {"0" + national, "+84" + national}) {
          SCOPED_TRACE(text);
          const std::string expected = oracle(text);
          const auto got = normalize_phone(text);
          ++compared;
          if (expected.empty()) {
            EXPECT_FALSE(got.has_value()) << *got;
          } else {
            ++valid;
            ASSERT_TRUE(got.has_value()) << got.error().message;
            EXPECT_EQ(*got, expected);
          }
        }
      }
    }
  }
  // The sample must hold both outcomes in quantity, or it proves nothing.
  EXPECT_GT(valid, 500);
  EXPECT_GT(compared - valid, 500);
}

// A provider's report: what normalize_phone accepts, verified; a Vietnamese-shaped number the
// metadata does not know, kept unverified; anything else refused as normalize_phone refuses it.
TEST(phone, reported_numbers_keep_unknown_vietnamese_ranges_unverified) {
  struct row {
    const char* raw;
    const char* e164;  // "" refused
    bool verified;
  } rows[] = {
      {"0912 345 678", "+84912345678", true},
      {"84912345678", "+84912345678", true},
      {"+1 650 253 0000", "+16502530000", true},
      {"0891180920", "+84891180920", false},  // 089 outside 0896-0899 in Debian's 8.12 metadata
      {"84891180920", "+84891180920", false},  // as Stringee writes caller ids
      {"+84 891 180 920", "+84891180920", false},
      {"0084891180920", "+84891180920", false},
      {"0112 345 678", "+84112345678", false},  // national shape, unknown range
      {"0212345678", "+84212345678", false},    // a short landline shape: the provider says it called
      {"12345", "", false},
      {"0912abc678", "", false},
      {"09123", "", false},
      {"0012345678901", "", false},             // another country, not a number
      {"+84 0912 345 678", "", false},          // a trunk 0 after the country code
      {"091234567890", "", false},              // 11 national digits
  };
  // A row normalize_phone accepts must come back verified as that function's answer.
  for (const auto& r : rows) {
    SCOPED_TRACE(std::string("raw: \"") + r.raw + "\"");
    const auto got = normalize_reported_phone(r.raw);
    const auto plain = normalize_phone(r.raw);
    if (plain) {
      ASSERT_TRUE(got.has_value());
      EXPECT_EQ(got->e164, *plain);
      EXPECT_TRUE(got->verified);
      continue;
    }
    if (std::string_view(r.e164).empty()) {
      ASSERT_FALSE(got.has_value()) << "accepted as " << got->e164;
      EXPECT_EQ(got.error().field, "phone");
      continue;
    }
    ASSERT_TRUE(got.has_value()) << got.error().message;
    EXPECT_EQ(got->e164, r.e164);
    EXPECT_EQ(got->verified, r.verified);
  }
  // The number of the defect is one Debian's metadata refuses: without that, this test tests nothing.
  EXPECT_FALSE(normalize_phone("0891180920").has_value());
}

}  // namespace
}  // namespace lg::core
