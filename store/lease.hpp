// A lease in Redis (store/lua/lease_hold.lua): work that must run in one process at a time — the
// delivery of one destination, the outbox fan-out — is done only while its lease is held.
// The holder renews it every ttl/3; a process killed without releasing it loses it when the
// TTL runs out, and a process waiting for it takes over within one renew interval after that.
//
// held() is judged locally: true until `ttl - margin` after the last renewal Redis confirmed
// (measured from when the renewal was sent), so a holder cut off from Redis stops working
// before another process can take the lease over. Work checks held() before each step.
#pragma once

#include "core/asio.hpp"
#include "runtime/loop.hpp"
#include "store/redis_client.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace lg::store {

struct lease_options {
  std::string key;    // lg:{t}:lease:<name> (keys::lease)
  std::string token;  // unique per holder (lease_token())
  std::chrono::milliseconds ttl{10000};
  std::chrono::milliseconds margin{1000};  // held() ends this long before the TTL would
};

// "<host>:<pid>:<random>": unique per process start.
std::string lease_token();

class lease : public std::enable_shared_from_this<lease> {
 public:
  static std::shared_ptr<lease> create(std::shared_ptr<redis_client> redis, lease_options opts);

  void start();  // spawns the acquire/renew loop on the client's io_context
  // Ends the loop, which releases the lease if held (running() turns false after the
  // release was answered or failed); call on the io_context's thread.
  void stop();
  bool held() const noexcept;
  // Returns once the loop has ended (on its io_context).
  awaitable<void> async_ended() { return loop_.async_ended(); }
  bool running() const noexcept { return loop_.running(); }
  const std::string& key() const noexcept { return opts_.key; }

 private:
  lease(std::shared_ptr<redis_client> redis, lease_options opts);
  awaitable<void> run();

  std::shared_ptr<redis_client> redis_;
  lease_options opts_;
  std::atomic<std::int64_t> valid_until_{0};  // steady_clock ns
  runtime::loop loop_;
};

}  // namespace lg::store
