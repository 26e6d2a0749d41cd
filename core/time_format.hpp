// The one time parser and formatter: RFC 3339 timestamps in UTC with milliseconds
// ("2026-11-22T03:00:00.123Z", the form of every time in lead events and of "ts" in log lines),
// RFC 3339 as others write it (offsets, fractions: CRMs, Graph), and HTTP dates (Retry-After).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lg::core {

void append_rfc3339_ms(std::string& out, std::chrono::system_clock::time_point tp);
std::string format_rfc3339_ms(std::chrono::system_clock::time_point tp);

// Milliseconds since the Unix epoch; nullopt outside 1970-01-01 .. 9999-12-31.
std::optional<std::string> rfc3339_from_unix_ms(std::int64_t ms);

// "2026-11-22T03:00:00Z", "…T10:00:00.123+07:00" (T, t or a space; any fraction; Z or ±HH:MM)
// → epoch seconds; nullopt for anything else (no zone, a bad date).
std::optional<std::int64_t> parse_rfc3339(std::string_view s) noexcept;

// An HTTP date in any of its three forms (IMF-fixdate, RFC 850, asctime; RFC 9110 §5.6.7).
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value);

}  // namespace lg::core
