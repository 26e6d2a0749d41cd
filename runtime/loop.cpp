// See loop.hpp.
#include "runtime/loop.hpp"

#include "runtime/spawn.hpp"

namespace lg::runtime {

bool loop::start(awaitable<void> body, std::string what, std::shared_ptr<void> keep, std::function<void()> on_end) {
  if (running_.exchange(true)) return false;
  stop_ = false;
  ended_.reset();
  spawn_logged(ex_, std::move(body), std::move(what),
               [this, keep = std::move(keep), on_end = std::move(on_end)] {
                 if (on_end) on_end();
                 running_ = false;
                 ended_.set();
               });
  return true;
}

void loop::stop() {
  stop_ = true;
  timer_.cancel();
}

awaitable<void> loop::pause(std::chrono::milliseconds d) {
  return pause_until(std::chrono::steady_clock::now() + d);
}

awaitable<void> loop::pause_until(std::chrono::steady_clock::time_point at) {
  if (stop_) co_return;
  timer_.expires_at(at);
  boost::system::error_code ec;
  co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace lg::runtime
