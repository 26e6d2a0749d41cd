// Startup, blocking and bounded: a step a process must take in Redis before it serves (seed the
// routing store, read the current rules) on a short-lived connection of its own, tried again
// every 200 ms until it succeeds or the time runs out. Never on an io_context's thread.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"

#include <chrono>
#include <expected>
#include <functional>
#include <future>

namespace lg::store {

template <class T>
std::expected<T, core::error> run_at_startup(
    const redis_options& redis, std::chrono::milliseconds limit,
    std::function<awaitable<std::expected<T, core::error>>(redis_client&)> attempt) {
  asio::io_context ioc;
  auto client = redis_client::create(ioc, redis);
  client->start();
  auto result = asio::co_spawn(
      ioc,
      [&]() -> awaitable<std::expected<T, core::error>> {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
          auto r = co_await attempt(*client);
          if (r || std::chrono::steady_clock::now() >= deadline) {
            client->stop();
            co_return r;
          }
          asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(200));
          co_await t.async_wait(asio::use_awaitable);
        }
      },
      asio::use_future);
  ioc.run_for(limit + std::chrono::seconds(1));
  if (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
    return std::unexpected(core::make_error(core::errc::unavailable, "redis did not answer in time"));
  return result.get();
}

}  // namespace lg::store
