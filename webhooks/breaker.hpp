// The circuit breaker of one destination, as a pure state machine over an injected clock:
// closed until `failures` consecutive attempts fail, then open for `open_for` (no attempt goes
// out), then half-open: exactly one probe; its success closes the breaker, its failure opens it
// again. A permanent failure (a 4xx reply) is not a failure here: the destination answered.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace lg::webhooks {

enum class breaker_state { closed, open, half_open };
std::string_view to_string(breaker_state s) noexcept;

struct breaker_options {
  unsigned failures = 5;
  std::chrono::milliseconds open_for{30000};
};

class circuit_breaker {
 public:
  using clock = std::chrono::system_clock;
  explicit circuit_breaker(breaker_options options = {}) : options_(options) {}

  // May an attempt go out at `now`? Open and due: becomes half-open and grants the one probe.
  bool allow(clock::time_point now);
  void on_success();
  void on_failure(clock::time_point now);

  breaker_state state() const noexcept { return state_; }
  unsigned consecutive_failures() const noexcept { return failures_; }
  clock::time_point opened_at() const noexcept { return opened_at_; }
  // When an open breaker lets its probe out.
  clock::time_point reopen_at() const noexcept { return opened_at_ + options_.open_for; }
  std::uint64_t times_opened() const noexcept { return opened_; }

 private:
  breaker_options options_;
  breaker_state state_ = breaker_state::closed;
  unsigned failures_ = 0;
  bool probe_out_ = false;
  clock::time_point opened_at_{};
  std::uint64_t opened_ = 0;
};

}  // namespace lg::webhooks
