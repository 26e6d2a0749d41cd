// The lead fields a form input can be mapped to: the keys of a source's field_map and the
// names in its `required` list. Shared by the validator and the web form adapter so the two
// never disagree on what "phone" or "interest.program" means.
#pragma once

#include <array>
#include <string_view>

namespace lg::config {

// Targets that are one field of the lead event. "phone" and "email" may be given several times.
inline constexpr std::array<std::string_view, 15> simple_targets = {
    "full_name",  "family_name", "given_name", "phone",      "email",
    "city",       "address",     "message",    "page_url",   "referrer",
    "utm_source", "utm_medium",  "utm_campaign", "utm_term", "utm_content"};

// Targets with a free key after the dot: "interest.program", "consent.marketing", "extra.ad_id".
inline constexpr std::array<std::string_view, 3> prefixed_targets = {"interest", "consent", "extra"};

// Longest key accepted after a prefix ("interest.<key>").
inline constexpr std::size_t max_target_key_length = 64;

// True for a simple target or "<prefix>.<key>" with key in [a-z0-9_] (1..64 characters).
bool is_known_target(std::string_view target) noexcept;

}  // namespace lg::config
