// RFC 3339 timestamps in UTC with milliseconds ("2026-11-22T03:00:00.123Z"): the form of
// received_at in lead events and of "ts" in log lines.
#pragma once

#include <chrono>
#include <string>

namespace lg::gateway {

void append_rfc3339_ms(std::string& out, std::chrono::system_clock::time_point tp);
std::string format_rfc3339_ms(std::chrono::system_clock::time_point tp);

}  // namespace lg::gateway
