// A signal a loop gives once when it has ended, for whoever stops it to wait on (instead of
// polling a running flag). Used on one io_context: set() and async_wait() from its thread.
#pragma once

#include "core/asio.hpp"

namespace lg::runtime {

class done_signal {
 public:
  explicit done_signal(asio::any_io_executor ex) : timer_(std::move(ex), asio::steady_timer::time_point::max()) {}

  void reset() noexcept { done_ = false; }
  void set() {
    done_ = true;
    timer_.cancel();
  }
  bool is_set() const noexcept { return done_; }

  // Returns once set() was called (at once when it was already).
  awaitable<void> async_wait() {
    while (!done_) {
      boost::system::error_code ec;
      co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

 private:
  asio::steady_timer timer_;
  bool done_ = false;
};

}  // namespace lg::runtime
