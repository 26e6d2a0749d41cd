// Time, injected (as Envoy's TimeSource): what a component reads "now" from. Production code
// gets the system clock; tests give it a simulated_time they move by hand, so schedules,
// breakers and deadlines are tested without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace lg::core {

class time_source {
 public:
  virtual ~time_source() = default;
  virtual std::chrono::system_clock::time_point now() const noexcept = 0;

  std::int64_t now_ms() const noexcept {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  }
};

// The system clock.
const time_source& real_time() noexcept;

// A clock that moves only when told to; safe to read from any thread.
class simulated_time final : public time_source {
 public:
  explicit simulated_time(std::chrono::system_clock::time_point start = std::chrono::system_clock::now())
      : ms_(std::chrono::duration_cast<std::chrono::milliseconds>(start.time_since_epoch()).count()) {}

  std::chrono::system_clock::time_point now() const noexcept override {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms_.load()));
  }
  void advance(std::chrono::milliseconds d) noexcept { ms_ += d.count(); }

 private:
  std::atomic<std::int64_t> ms_;
};

}  // namespace lg::core
