#include "webhooks/retry_schedule.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace lg::webhooks {

namespace {

using std::chrono::milliseconds;

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

std::vector<milliseconds> retry_policy::default_delays() {
  using namespace std::chrono_literals;
  return {0ms, 5s, 5min, 30min, 2h, 5h, 10h, 10h};
}

std::optional<milliseconds> delay_before_attempt(const retry_policy& policy, unsigned attempt,
                                                 std::optional<milliseconds> retry_after,
                                                 const random_source& random) {
  if (attempt == 0 || attempt > policy.delays.size()) return std::nullopt;
  milliseconds delay = std::max(policy.delays[attempt - 1], milliseconds{0});
  const double jitter = std::clamp(policy.jitter, 0.0, 1.0);
  if (delay.count() > 0 && jitter > 0 && random) {
    const double r = std::clamp(random(), 0.0, 1.0);
    const double factor = 1.0 + jitter * (2.0 * r - 1.0);  // [1 - j, 1 + j]
    delay = milliseconds{static_cast<milliseconds::rep>(std::llround(delay.count() * factor))};
  }
  if (retry_after) {
    const milliseconds asked = std::clamp(*retry_after, milliseconds{0}, policy.max_retry_after);
    delay = std::max(delay, asked);
  }
  return delay;
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

std::optional<milliseconds> parse_retry_after(std::string_view value,
                                              std::chrono::system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (value.front() >= '0' && value.front() <= '9') {
    // delta-seconds; an absurdly long value saturates instead of overflowing.
    std::uint64_t secs = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), secs);
    if (end != value.data() + value.size()) return std::nullopt;
    constexpr std::uint64_t cap = 100ULL * 365 * 24 * 3600;
    if (ec == std::errc::result_out_of_range || secs > cap) secs = cap;
    return std::chrono::duration_cast<milliseconds>(
        std::chrono::seconds{static_cast<std::int64_t>(secs)});
  }
  const auto when = parse_http_date(value);
  if (!when) return std::nullopt;
  if (*when <= now) return milliseconds{0};
  return std::chrono::duration_cast<milliseconds>(*when - now);
}

}  // namespace lg::webhooks
