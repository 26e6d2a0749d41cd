// See time_format.hpp. gmtime_r and snprintf: no locale, no allocation beyond the output.
#include "core/time_format.hpp"

#include <cstdio>
#include <ctime>

namespace lg::core {
namespace {

constexpr std::int64_t last_ms = 253'402'300'799'999LL;  // 9999-12-31T23:59:59.999Z

void append_ms(std::string& out, std::int64_t ms) {
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // wider than any int the compiler cannot bound
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                              static_cast<int>(ms % 1000));
  if (n > 0) out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace

void append_rfc3339_ms(std::string& out, std::chrono::system_clock::time_point tp) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(tp.time_since_epoch()).count();
  append_ms(out, ms < 0 ? 0 : (ms > last_ms ? last_ms : ms));
}

std::string format_rfc3339_ms(std::chrono::system_clock::time_point tp) {
  std::string out;
  append_rfc3339_ms(out, tp);
  return out;
}

std::optional<std::string> rfc3339_from_unix_ms(std::int64_t ms) {
  if (ms < 0 || ms > last_ms) return std::nullopt;
  std::string out;
  append_ms(out, ms);
  return out;
}

}  // namespace lg::core
