// Lead ids: "ld_" + 26 Crockford base32 characters of 128 bits (48-bit millisecond time,
// then 80 random bits), so ids sort by creation time and never collide in practice.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace lg::core {

inline constexpr std::string_view lead_id_prefix = "ld_";
inline constexpr std::size_t lead_id_length = 3 + 26;

// A new id for `now`; the random part comes from a per-thread generator seeded once.
std::string new_lead_id(std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// True when `id` has the shape new_lead_id produces.
bool is_lead_id(std::string_view id) noexcept;

}  // namespace lg::core
