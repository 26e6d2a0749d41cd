// The one shape of a background loop (a pipeline stage, a poller, a lease, a sampler, a delivery
// worker): a coroutine started on an executor once at a time, asked to stop, and waited for.
// The owner's body checks stopping() between steps and waits with pause(), which stop() (and
// wake()) cut short, so a stop never waits out an idle period.
//
// start(), stop(), wake() and pause() run on the executor's thread (a service stops its loops from a
// coroutine on its own io_context: runtime/service_thread.hpp); running() and stopping() may be
// read from any thread. pause() is for the body's own coroutine: one wait at a time.
#pragma once

#include "core/asio.hpp"
#include "runtime/done_signal.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace lg::runtime {

class loop {
 public:
  explicit loop(asio::any_io_executor ex) : timer_(ex), ended_(ex), ex_(std::move(ex)) {}
  loop(const loop&) = delete;
  loop& operator=(const loop&) = delete;

  // Spawns `body` (logged by `what` if it throws) unless the loop runs already: then false and
  // `body` never starts. `keep` (the owner) is held until the body has ended; `on_end` runs then,
  // before async_ended() returns.
  bool start(awaitable<void> body, std::string what, std::shared_ptr<void> keep, std::function<void()> on_end = {});
  // Asks the body to end: stopping() turns true and a pause in progress ends at once.
  void stop();

  bool stopping() const noexcept { return stop_; }
  bool running() const noexcept { return running_; }
  // Waits `d` or until `at`, or less when stop() or wake() is called (at once when stopping).
  awaitable<void> pause(std::chrono::milliseconds d);
  awaitable<void> pause_until(std::chrono::steady_clock::time_point at);
  // Ends a pause in progress without stopping (news the body should look at now).
  void wake() { timer_.cancel(); }
  // Returns once the body has ended (at once when it never ran or ended already).
  awaitable<void> async_ended() { return ended_.async_wait(); }

 private:
  asio::steady_timer timer_;
  done_signal ended_;
  asio::any_io_executor ex_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> running_{false};
};

}  // namespace lg::runtime
