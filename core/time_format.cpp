// See time_format.hpp. gmtime_r and snprintf: no locale, no allocation beyond the output.
#include "core/time_format.hpp"

#include <array>
#include <charconv>
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

namespace {

constexpr std::array<std::string_view, 12> month_names = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// A tiny cursor over the header value; each taker returns false on a mismatch.
struct cursor {
  std::string_view s;

  bool lit(std::string_view t) {
    if (!s.starts_with(t)) return false;
    s.remove_prefix(t.size());
    return true;
  }
  bool spaces() {  // one or more spaces (asctime pads the day with a space)
    if (s.empty() || s.front() != ' ') return false;
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    return true;
  }
  bool number(std::size_t min_digits, std::size_t max_digits, int& out) {
    std::size_t n = 0;
    while (n < s.size() && n < max_digits && s[n] >= '0' && s[n] <= '9') ++n;
    if (n < min_digits) return false;
    std::from_chars(s.data(), s.data() + n, out);
    s.remove_prefix(n);
    return true;
  }
  bool month(int& out) {
    for (std::size_t i = 0; i < month_names.size(); ++i) {
      if (lit(month_names[i])) {
        out = static_cast<int>(i) + 1;
        return true;
      }
    }
    return false;
  }
  bool day_name() {  // "Sun" or "Sunday": the name is not checked against the date
    std::size_t n = 0;
    while (n < s.size() && ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z'))) ++n;
    if (n < 3) return false;
    s.remove_prefix(n);
    return true;
  }
  bool time(int& h, int& m, int& sec) {
    return number(2, 2, h) && lit(":") && number(2, 2, m) && lit(":") && number(2, 2, sec);
  }
};

std::optional<std::chrono::system_clock::time_point> make_time(int y, int mo, int d, int h, int mi,
                                                               int s) {
  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;  // 60: a leap second
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
}


}  // namespace

std::optional<std::int64_t> parse_rfc3339(std::string_view s) noexcept {
  cursor c{s};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!(c.number(4, 4, y) && c.lit("-") && c.number(2, 2, mo) && c.lit("-") && c.number(2, 2, d))) return std::nullopt;
  if (!(c.lit("T") || c.lit("t") || c.lit(" "))) return std::nullopt;
  if (!c.time(h, mi, sec)) return std::nullopt;
  if (c.lit(".")) {
    int ignored = 0;
    if (!c.number(1, 9, ignored)) return std::nullopt;
    while (!c.s.empty() && c.s.front() >= '0' && c.s.front() <= '9') c.s.remove_prefix(1);
  }
  std::int64_t offset = 0;
  if (!(c.lit("Z") || c.lit("z"))) {
    const bool plus = c.lit("+");
    if (!plus && !c.lit("-")) return std::nullopt;
    int oh = 0, om = 0;
    if (!(c.number(2, 2, oh) && c.lit(":") && c.number(2, 2, om)) || oh > 23 || om > 59) return std::nullopt;
    offset = (plus ? 1 : -1) * (oh * 3600 + om * 60);
  }
  if (!c.s.empty()) return std::nullopt;
  const auto t = make_time(y, mo, d, h, mi, sec);
  if (!t) return std::nullopt;
  return std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count() - offset;
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  {  // IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT
    cursor c{value};
    if (c.day_name() && c.lit(", ") && c.number(2, 2, d) && c.lit(" ") && c.month(mo) &&
        c.lit(" ") && c.number(4, 4, y) && c.lit(" ") && c.time(h, mi, s) && c.lit(" GMT") &&
        c.s.empty())
      return make_time(y, mo, d, h, mi, s);
  }
  {  // RFC 850: Sunday, 06-Nov-94 08:49:37 GMT (two-digit years read as 19xx/20xx, RFC 9110)
    cursor c{value};
    if (c.day_name() && c.lit(", ") && c.number(2, 2, d) && c.lit("-") && c.month(mo) &&
        c.lit("-") && c.number(2, 2, y) && c.lit(" ") && c.time(h, mi, s) && c.lit(" GMT") &&
        c.s.empty())
      return make_time(y < 70 ? 2000 + y : 1900 + y, mo, d, h, mi, s);
  }
  {  // asctime: Sun Nov  6 08:49:37 1994
    cursor c{value};
    if (c.day_name() && c.lit(" ") && c.month(mo) && c.spaces() && c.number(1, 2, d) &&
        c.lit(" ") && c.time(h, mi, s) && c.lit(" ") && c.number(4, 4, y) && c.s.empty())
      return make_time(y, mo, d, h, mi, s);
  }
  return std::nullopt;
}

}  // namespace lg::core
