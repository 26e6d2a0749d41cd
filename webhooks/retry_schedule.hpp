// The delivery retry schedule as a pure function: which delay comes before attempt n, with
// jitter from an injectable random source, and how a server's Retry-After stretches it.
// No clocks or I/O here, so the delivery engine and its tests agree on the exact numbers.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace lg::webhooks {

struct retry_policy {
  // delays[i] is the wait before attempt i + 1 (the first entry is normally 0: the first
  // attempt goes out at once). Its size is the maximum number of attempts.
  std::vector<std::chrono::milliseconds> delays = default_delays();
  // Each non-zero delay is spread uniformly over [d * (1 - jitter), d * (1 + jitter)] so that a
  // destination that comes back is not hit by every pending entry in the same second.
  double jitter = 0.2;
  // A Retry-After beyond this is clamped: a hostile or broken server must not park an entry
  // for months.
  std::chrono::milliseconds max_retry_after = std::chrono::hours(24);

  // immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
  static std::vector<std::chrono::milliseconds> default_delays();
};

// Returns a uniformly distributed value in [0, 1). Tests inject a fixed one.
using random_source = std::function<double()>;

// The delay before attempt `attempt` (1-based), or nullopt when the policy allows no such
// attempt (give up: dead letter). `retry_after` is what the previous reply asked for; it wins
// when it is longer than the scheduled delay. A jitter outside [0, 1] is clamped.
std::optional<std::chrono::milliseconds> delay_before_attempt(
    const retry_policy& policy, unsigned attempt,
    std::optional<std::chrono::milliseconds> retry_after, const random_source& random);

// Parses a Retry-After header value: delta-seconds ("120") or an HTTP date (IMF-fixdate,
// RFC 850 or asctime form, RFC 9110 §5.6.7). A date in the past gives 0. nullopt when the
// value is neither.
std::optional<std::chrono::milliseconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now);

}  // namespace lg::webhooks
