// Helpers shared by the request-path adapters of the hotline, SMS and email-webhook channels:
// reading a delivery's form fields, keeping strings valid UTF-8 (a lead event is JSON), building
// the common part of a lead event, and reading adapter options at startup with path-named errors.
#pragma once

#include "adapters/inbound_request.hpp"
#include "adapters/web_form/web_form.hpp"
#include "config/config.hpp"
#include "core/ascii.hpp"
#include "core/error.hpp"
#include "core/lead_event.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace lg::adapters::hook {

using field_list = web_form::field_list;

// The delivery's fields: form-urlencoded or multipart/form-data, chosen by Content-Type
// (urlencoded when the type is absent, as Twilio and Mailgun send it). Errors: bad_request,
// unsupported_media_type.
std::expected<field_list, core::error> form_fields(const inbound_request& req, std::size_t max_fields,
                                                   std::size_t max_field_length);

// First value of a field; nullptr when absent.
const std::string* find(const field_list& fields, std::string_view name);

// First value of a field; "" when absent.
std::string text(const field_list& fields, std::string_view name);

// Invalid UTF-8 sequences replaced by U+FFFD, so a hostile byte never makes the event
// unserializable; at most max_bytes bytes kept, never cutting a code point.
std::string utf8_clean(std::string_view s, std::size_t max_bytes = 4096);

// Cuts a valid UTF-8 string to at most max_bytes without splitting a code point. True when cut.
bool utf8_truncate(std::string& s, std::size_t max_bytes);

// A provider id usable inside an event_id: 1..max_len printable ASCII without spaces.
bool valid_id(std::string_view id, std::size_t max_len = 128);

// Unix milliseconds -> "2026-11-22T03:00:00.123Z"; nullopt when out of a sane range.
std::optional<std::string> rfc3339_from_unix_ms(std::int64_t ms);

// Normalizes a phone into contact.phones, or keeps the raw text in invalid_phones.
void add_phone(core::contact_info& c, std::string_view raw);

// A number the provider reports (a caller ID): as add_phone, but a Vietnamese-shaped number the
// phone metadata does not know is kept too, listed in unverified_phones
// (core::normalize_reported_phone).
void add_reported_phone(core::contact_info& c, std::string_view raw);

// E.164 form of a number the provider reports (the hotline called), verified or not; nullopt
// when it is not a phone number at all.
std::optional<std::string> reported_e164(std::string_view raw);

// A lead event with source, channel, received_at (also occurred_at) and client filled in.
core::lead_event base_event(const config::source_config& src, const inbound_request& req, core::channel chan);

// ASCII case-insensitive equality.
using core::iequals;

// A provider's non-negative count or time as a whole number: "65", "65.0" or an epoch in ms
// (at most 9e15, the fraction dropped); nullopt when empty, negative or not a number.
std::optional<std::int64_t> whole_number(std::string_view s);

// Default bound of a hotline, SMS or email-webhook delivery's body (options.max_body_bytes).
inline constexpr std::size_t default_max_body_bytes = 64 * 1024;

// payload_too_large when the body is over options.max_body_bytes.
std::expected<void, core::error> body_within(const inbound_request& req, std::size_t max_body);

// Startup-time option readers; errors are config::config_error("<path>.<key>: reason").
namespace opt {
// path + ".options" (the prefix of the other readers' errors), once only_keys has passed.
std::string options_path(const config::source_config& src, const std::string& path,
                         std::initializer_list<const char*> known);
std::string string(const nlohmann::json& o, const std::string& path, const char* key, bool required,
                   std::string fallback = {});
std::string secret(const nlohmann::json& o, const std::string& path, const char* key, bool required);
std::size_t size(const nlohmann::json& o, const std::string& path, const char* key, std::size_t fallback,
                 std::size_t min, std::size_t max);
// options.max_body_bytes: 256 B to 1 MiB, default_max_body_bytes when absent.
std::size_t max_body(const nlohmann::json& o, const std::string& path);
// Throws when the object has a key outside `known` (a typo must not silently disable a check).
void only_keys(const nlohmann::json& o, const std::string& path, std::initializer_list<const char*> known);
}  // namespace opt

}  // namespace lg::adapters::hook
