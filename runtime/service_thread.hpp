// A background service's thread: its own io_context, run on one thread of its own, so nothing
// it waits on (Redis blocking reads, mail servers, CRMs) ever holds a request or worker thread.
// stop() hands the service's own stop coroutine to the io_context and waits, bounded, for the
// thread to end on its own — a signal, not a polling loop — before it forces the rest.
#pragma once

#include "core/asio.hpp"

#include <chrono>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>

namespace lg::runtime {

class service_thread {
 public:
  explicit service_thread(std::string name) : name_(std::move(name)) {}
  ~service_thread();
  service_thread(const service_thread&) = delete;
  service_thread& operator=(const service_thread&) = delete;

  asio::io_context& context() noexcept { return ioc_; }
  bool started() const noexcept { return thread_.joinable(); }

  // Runs the io_context on a new thread until stop().
  void start();
  // Spawns `shutdown` (it stops the service's loops and waits for their done signals) and lets
  // the io_context run out; waits up to `grace` for that, then stops what is left. True when
  // everything ended within `grace`.
  bool stop(std::chrono::milliseconds grace, std::function<awaitable<void>()> shutdown);
  // The same in two halves, so several services stop at once: begin each, then finish each
  // against one deadline.
  void begin_stop(std::function<awaitable<void>()> shutdown);
  bool finish_stop(std::chrono::steady_clock::time_point deadline);

 private:
  std::string name_;
  asio::io_context ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::thread thread_;
  std::future<void> ended_;
};

}  // namespace lg::runtime
