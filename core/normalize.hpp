// Normalization of what people type: phones (E.164 via libphonenumber, default region VN,
// pre-2018 11-digit mobile prefixes remapped), emails, names (NFC via ICU, whitespace
// collapsed, Vietnamese family/given split) and text folding (no diacritics, đ→d, lower).
// Pure functions over values; no I/O.
#pragma once

#include "core/error.hpp"

#include <expected>
#include <string>
#include <string_view>

namespace lg::core {

// "0912 345 678", "84912345678", "+84 912-345-678", "01691234567" -> "+84912345678"/"+84391234567".
// Errors: invalid_field with a message saying why ("not a phone number", "too short", ...).
std::expected<std::string, error> normalize_phone(std::string_view raw,
                                                  std::string_view default_region = "VN");

// A number a telephony or SMS provider reports (a caller ID, the hotline called) is a fact, not
// a typing mistake: normalized as normalize_phone does, and when libphonenumber's metadata does
// not know its range (Debian's 8.12 accepts 089 only as 0896–0899) but it has the shape of a
// Vietnamese number ("0" or "84"/"+84", then 9 or 10 digits not starting with 0), kept as "+84"
// and its national digits, unverified. Numbers people type keep going through normalize_phone.
struct reported_phone {
  std::string e164;
  bool verified = true;
};
std::expected<reported_phone, error> normalize_reported_phone(std::string_view raw);

// If `national_digits` (digits only, leading 0 included, e.g. "01691234567") uses a
// pre-2018 11-digit Vietnamese mobile prefix, returns the current 10-digit form
// ("0391234567"); otherwise returns it unchanged.
std::string remap_vn_legacy_mobile(std::string_view national_digits);

// Trimmed, lower-cased, syntactically validated address (the stored form).
std::expected<std::string, error> normalize_email(std::string_view raw);

// The matching form of an already normalized email: Gmail/Googlemail dots and +tags folded,
// googlemail.com -> gmail.com; other domains: +tag folded only. Never stored as the address.
std::string email_match_key(std::string_view normalized_email);

// NFC, trimmed, inner whitespace collapsed to one space, control characters removed.
std::string normalize_text(std::string_view raw);

// normalize_text plus name casing fixes ("NGUYỄN văn an" -> "Nguyễn Văn An").
std::string normalize_name(std::string_view raw);

struct name_parts {
  std::string family;
  std::string given;
};
// Vietnamese order: family name first. "Nguyễn Thị Lan" -> {"Nguyễn", "Thị Lan"}; one word -> given only.
name_parts split_vietnamese_name(std::string_view normalized_full_name);

// Lower case, diacritics removed (đ/Đ -> d), whitespace collapsed: "Hà Nội" -> "ha noi".
std::string fold_text(std::string_view raw);

// True if `s` is valid UTF-8.
bool is_valid_utf8(std::string_view s) noexcept;

}  // namespace lg::core
