// See retry_schedule.hpp.
#include "webhooks/retry_schedule.hpp"

#include "core/time_format.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

namespace lg::webhooks {

namespace {

using std::chrono::milliseconds;

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
  const auto when = core::parse_http_date(value);
  if (!when) return std::nullopt;
  if (*when <= now) return milliseconds{0};
  return std::chrono::duration_cast<milliseconds>(*when - now);
}

}  // namespace lg::webhooks
