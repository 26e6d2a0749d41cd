// Phone normalization: what people and providers type -> E.164, via libphonenumber.
// The only hand-written parts are the cleanup libphonenumber cannot know about: Vietnamese
// numbers sent as "84…" without a plus (Zalo, Stringee), and the pre-2018 11-digit mobile
// prefixes that libphonenumber's current metadata rightly rejects but that old CRM records,
// imports and people's habits still carry.
#include "core/normalize.hpp"

#include <phonenumbers/logger.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <array>
#include <cstdint>
#include <optional>
#include <utility>

namespace lg::core {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Longer than any real number with separators; bounds the work done on hostile input.
constexpr std::size_t max_phone_input = 64;

// The 2018 renumbering of 11-digit mobile numbers (old prefix -> new prefix; the last seven
// digits are kept), from the Ministry of Information and Communications' plan announced
// 29 May 2018, effective 15 Sep 2018, old prefixes unreachable after 30 Jun 2019. As stated by
// the Thai Binh provincial government, 6 Jun 2018:
//   https://thaibinh.gov.vn/tintuc/Pages/tin-van-hoa-xa-hoi.aspx?ItemID=37113
// and, per carrier with examples, https://gsm.vn/thue-bao-di-dong-11-so-doi-thanh-10-so-nhu-the-nao/
// (MobiFone 120,121,122,126,128 -> 70,79,77,76,78; VinaPhone 123,124,125,127,129 ->
// 83,84,85,81,82; Viettel 162..169 -> 32..39; Vietnamobile 186,188 -> 56,58; Gmobile 199 -> 59).
constexpr std::array<std::pair<std::string_view, std::string_view>, 21> vn_legacy_prefixes{{
    {"0120", "070"}, {"0121", "079"}, {"0122", "077"}, {"0126", "076"}, {"0128", "078"},
    {"0123", "083"}, {"0124", "084"}, {"0125", "085"}, {"0127", "081"}, {"0129", "082"},
    {"0162", "032"}, {"0163", "033"}, {"0164", "034"}, {"0165", "035"},
    {"0166", "036"}, {"0167", "037"}, {"0168", "038"}, {"0169", "039"},
    {"0186", "056"}, {"0188", "058"}, {"0199", "059"},
}};

const PhoneNumberUtil& phone_util() {
  // GetInstance() is thread-safe and the util is immutable afterwards. The library logs parse
  // failures to stderr by default; on the request path those are routine, so mute it once.
  static PhoneNumberUtil* const util = [] {
    PhoneNumberUtil* u = PhoneNumberUtil::GetInstance();
    u->SetLogger(new i18n::phonenumbers::NullLogger());  // the util takes ownership
    return u;
  }();
  return *util;
}

error phone_error(std::string message) {
  return make_error(errc::invalid_field, std::move(message), "phone");
}

bool is_separator(char c) {
  switch (c) {
    case ' ': case '\t': case '\n': case '\r': case '.': case '-': case '(': case ')': case '/':
      return true;
    default:
      return false;
  }
}

struct cleaned_phone {
  bool plus = false;
  std::string digits;
};

// Keeps the digits and a leading '+'; anything but common separators means "not a phone".
std::expected<cleaned_phone, error> clean(std::string_view raw) {
  cleaned_phone out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c >= '0' && c <= '9') {
      out.digits.push_back(c);
    } else if (c == '+' && !out.plus && out.digits.empty()) {
      out.plus = true;
    } else if (c == '\xC2' && i + 1 < raw.size() && raw[i + 1] == '\xA0') {
      ++i;  // NBSP, common in numbers pasted from web pages and spreadsheets
    } else if (!is_separator(c)) {
      return std::unexpected(
          phone_error("phone number may contain only digits, '+' and separators"));
    }
  }
  return out;
}

// "<cc><rest>" where rest is a pre-2018 national number without its trunk 0 -> remapped.
std::string remap_international_vn(const std::string& digits) {
  if (!digits.starts_with("84") || digits.size() != 12) return digits;
  // Appends rather than `"0" + s`: GCC 12 at -O3 raises a false -Wrestrict on the latter.
  std::string national = "0";
  national.append(digits, 2);
  const std::string remapped = remap_vn_legacy_mobile(national);
  if (remapped == national) return digits;
  std::string out = "84";
  out.append(remapped, 1);
  return out;
}

std::string_view parse_error_text(PhoneNumberUtil::ErrorType e) {
  switch (e) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR: return "unknown country code";
    case PhoneNumberUtil::NOT_A_NUMBER: return "not a phone number";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN: return "phone number is too short";
    case PhoneNumberUtil::TOO_LONG_NSN: return "phone number is too long";
    default: return "not a phone number";
  }
}

std::string invalid_number_text(const PhoneNumberUtil& util, const PhoneNumber& number) {
  switch (util.IsPossibleNumberWithReason(number)) {
    case PhoneNumberUtil::TOO_SHORT: return "phone number is too short";
    case PhoneNumberUtil::TOO_LONG: return "phone number is too long";
    case PhoneNumberUtil::INVALID_COUNTRY_CODE: return "unknown country code";
    default: {
      std::string region;
      util.GetRegionCodeForNumber(number, &region);
      return "not a valid phone number" +
             (region.empty() || region == "ZZ" ? std::string() : " for region " + region);
    }
  }
}

// The common case without Parse: a Vietnamese number already cleaned to digits, national
// ("0" + 9-10 digits, the first not 0) or international ("84" + the same, after a '+').
// Parse would only strip that trunk 0 or country code, at about twice the cost of the validity
// check that follows (its regular expressions run on every input), which made it the largest
// part of a form post's CPU. libphonenumber still decides: the number is used only when
// IsValidNumber accepts it, and every other input, or a number it rejects, takes the full Parse
// path (so errors read the same). A valid number matches the region's general pattern, so Parse
// would have stripped the same prefix: tests/unit/core/phone_test.cpp checks the two agree.
std::optional<std::string> vn_fast_path(const PhoneNumberUtil& util, bool plus, std::string_view digits) {
  const std::size_t skip = plus ? 2 : 1;
  if (plus ? !digits.starts_with("84") : !digits.starts_with('0')) return std::nullopt;
  const std::string_view national = digits.substr(skip);
  if (national.size() < 9 || national.size() > 10 || national[0] == '0') return std::nullopt;
  std::uint64_t value = 0;
  for (char c : national) value = value * 10 + static_cast<std::uint64_t>(c - '0');
  PhoneNumber number;
  number.set_country_code(84);
  number.set_national_number(value);
  if (!util.IsValidNumber(number)) return std::nullopt;
  std::string e164;
  e164.reserve(4 + national.size());
  e164 += "+84";
  e164 += national;
  return e164;
}

}  // namespace

std::string remap_vn_legacy_mobile(std::string_view national_digits) {
  if (national_digits.size() != 11) return std::string(national_digits);
  for (const auto& [old_prefix, new_prefix] : vn_legacy_prefixes) {
    if (national_digits.starts_with(old_prefix)) {
      return std::string(new_prefix) + std::string(national_digits.substr(old_prefix.size()));
    }
  }
  return std::string(national_digits);
}

std::expected<std::string, error> normalize_phone(std::string_view raw,
                                                  std::string_view default_region) {
  if (raw.size() > max_phone_input) return std::unexpected(phone_error("phone number is too long"));
  auto cleaned = clean(raw);
  if (!cleaned) return std::unexpected(cleaned.error());
  auto& [plus, digits] = *cleaned;
  if (digits.empty()) {
    return std::unexpected(phone_error(plus ? "phone number has no digits"
                                            : "phone number is empty"));
  }
  // "00" is the international call prefix in Vietnam and most of the world.
  if (!plus && digits.starts_with("00")) {
    plus = true;
    digits.erase(0, 2);
  }
  const bool vn = default_region == "VN";
  if (vn && !plus && digits.starts_with("84")) {
    // A Vietnamese national number is 9 (mobile) or 10 (landline) digits after the trunk 0, so
    // "84" + 9 digits, or "84" + a legacy 10-digit mobile, cannot be national: it is +84.
    const std::string rest = digits.substr(2);
    if ((rest.size() == 9 && rest[0] != '0') || remap_international_vn(digits) != digits) {
      plus = true;
    }
  }
  if (plus) {
    digits = remap_international_vn(digits);
  } else if (vn) {
    digits = remap_vn_legacy_mobile(digits);
  }

  const PhoneNumberUtil& util = phone_util();
  if (vn) {
    if (auto fast = vn_fast_path(util, plus, digits)) return std::move(*fast);
  }
  PhoneNumber number;
  const std::string text = (plus ? "+" : "") + digits;
  const auto rc = util.Parse(text, std::string(default_region), &number);
  if (rc != PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::unexpected(phone_error(std::string(parse_error_text(rc))));
  }
  if (!util.IsValidNumber(number)) return std::unexpected(phone_error(invalid_number_text(util, number)));
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

std::expected<reported_phone, error> normalize_reported_phone(std::string_view raw) {
  auto checked = normalize_phone(raw, "VN");
  if (checked) return reported_phone{std::move(*checked), true};
  if (raw.size() > max_phone_input) return std::unexpected(checked.error());
  auto cleaned = clean(raw);
  if (!cleaned) return std::unexpected(checked.error());
  auto& [plus, digits] = *cleaned;
  if (!plus && digits.starts_with("00")) {
    plus = true;
    digits.erase(0, 2);
  }
  std::string_view national = digits;
  if (digits.starts_with("84") && (plus || digits.size() == 11)) {
    national.remove_prefix(2);  // +84…, or 84 and 9 digits (as Stringee sends caller IDs)
  } else if (!plus && digits.starts_with('0')) {
    national.remove_prefix(1);
  } else {
    return std::unexpected(checked.error());
  }
  if (national.size() < 9 || national.size() > 10 || national[0] == '0') return std::unexpected(checked.error());
  std::string e164 = "+84";
  e164 += national;
  return reported_phone{std::move(e164), false};
}

}  // namespace lg::core
