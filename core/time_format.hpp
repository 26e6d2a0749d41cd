// RFC 3339 timestamps in UTC with milliseconds ("2026-11-22T03:00:00.123Z"): the form of every
// time in lead events (occurred_at, received_at) and of "ts" in log lines.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace lg::core {

void append_rfc3339_ms(std::string& out, std::chrono::system_clock::time_point tp);
std::string format_rfc3339_ms(std::chrono::system_clock::time_point tp);

// Milliseconds since the Unix epoch; nullopt outside 1970-01-01 .. 9999-12-31.
std::optional<std::string> rfc3339_from_unix_ms(std::int64_t ms);

}  // namespace lg::core
