// See service_thread.hpp.
#include "runtime/service_thread.hpp"

#include "logging/logging.hpp"
#include "runtime/spawn.hpp"

namespace lg::runtime {
namespace {

// The shutdown coroutine reads the captures of the function that made it, after its first
// suspension: the function is moved into this frame and lives until the coroutine has ended.
awaitable<void> run_owned(std::function<awaitable<void>()> shutdown) { co_await shutdown(); }

}  // namespace

service_thread::~service_thread() {
  if (thread_.joinable()) {
    ioc_.stop();
    thread_.join();
  }
}

void service_thread::start() {
  if (thread_.joinable()) return;
  ioc_.restart();
  guard_.emplace(ioc_.get_executor());
  std::promise<void> ended;
  ended_ = ended.get_future();
  thread_ = std::thread([this, ended = std::move(ended)]() mutable {
    try {
      ioc_.run();
    } catch (const std::exception& e) {
      logging::error("service thread ended by an exception", {{"service", name_}, {"reason", e.what()}});
    }
    ended.set_value();
  });
}

bool service_thread::stop(std::chrono::milliseconds grace, std::function<awaitable<void>()> shutdown) {
  begin_stop(std::move(shutdown));
  return finish_stop(std::chrono::steady_clock::now() + grace);
}

void service_thread::begin_stop(std::function<awaitable<void>()> shutdown) {
  if (!thread_.joinable() || !guard_) return;
  if (shutdown) spawn_logged(ioc_.get_executor(), run_owned(std::move(shutdown)), name_ + " shutdown");
  guard_.reset();  // once the shutdown has ended every loop, run() returns by itself
}

bool service_thread::finish_stop(std::chrono::steady_clock::time_point deadline) {
  if (!thread_.joinable()) return true;
  guard_.reset();
  const bool in_time = ended_.wait_until(deadline) == std::future_status::ready;
  if (!in_time) {
    logging::warn("service did not stop in time; what was in flight is taken up at the next start",
                  {{"service", name_}});
    ioc_.stop();
  }
  thread_.join();
  return in_time;
}

}  // namespace lg::runtime
