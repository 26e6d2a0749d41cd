// See time_format.hpp. gmtime_r and snprintf: no locale, no allocation beyond the output.
#include "gateway/time_format.hpp"

#include <cstdio>
#include <ctime>

namespace lg::gateway {

void append_rfc3339_ms(std::string& out, std::chrono::system_clock::time_point tp) {
  const auto since = tp.time_since_epoch();
  auto secs = std::chrono::floor<std::chrono::seconds>(since);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since - secs).count();
  const std::time_t t = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                              tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  if (n > 0) out.append(buf, static_cast<std::size_t>(n));
}

std::string format_rfc3339_ms(std::chrono::system_clock::time_point tp) {
  std::string out;
  append_rfc3339_ms(out, tp);
  return out;
}

}  // namespace lg::gateway
