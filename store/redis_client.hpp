// The Redis bridge: hiredis's async API driven by an Asio io_context.
//
// One redis_client owns one connection and lives on one io_context (one per server thread).
// Every coroutine on that io_context may call async_exec at once: hiredis queues the
// commands on the one connection, so pipelining comes for free. Commands are sent with
// redisAsyncCommandArgv only; replies are copied before hiredis's callback returns.
// The client reconnects with exponential backoff; commands issued while disconnected fail
// at once with errc::unavailable (the HTTP layer turns that into 503 + Retry-After).
// Each command has a timeout (errc::timeout); a timed-out command's late reply is dropped.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_reply.hpp"

#include <chrono>
#include <expected>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lg::store {

struct redis_options {
  std::string host = "127.0.0.1";
  unsigned short port = 6379;
  std::string unix_socket;  // when set, used instead of host/port
  std::string username;     // Redis 6 ACL user; empty: AUTH with the password only
  std::string password;     // empty: no AUTH
  int db = 0;
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{2000};
  std::chrono::milliseconds reconnect_min{50};
  std::chrono::milliseconds reconnect_max{5000};
  std::size_t max_pending = 100000;  // commands in flight on the connection before errc::unavailable

  // "redis://[:password@]host[:port][/db]" or "unix:///path/to/sock[?db=N]".
  static std::expected<redis_options, core::error> from_url(std::string_view url);
};

// Counters the gateway exports as metrics.
struct redis_stats {
  std::uint64_t commands = 0;
  std::uint64_t errors = 0;    // error replies (NOSCRIPT, answered by loading the script, excluded)
  std::uint64_t timeouts = 0;
  std::uint64_t disconnects = 0;
  std::uint64_t reconnects = 0;
};

class redis_client : public std::enable_shared_from_this<redis_client> {
 public:
  static std::shared_ptr<redis_client> create(asio::io_context& ioc, redis_options opts);
  ~redis_client();
  redis_client(const redis_client&) = delete;
  redis_client& operator=(const redis_client&) = delete;

  // Starts connecting (and keeps reconnecting) in the background. Call once.
  void start();
  // Closes the connection and stops reconnecting; pending commands fail with unavailable.
  void stop();

  bool connected() const noexcept;
  const redis_stats& stats() const noexcept;

  // Runs one command. An error reply from Redis is returned as a redis_reply of kind error,
  // not as an unexpected; unexpected means the command did not run or its answer is unknown
  // (unavailable, timeout).
  //
  // Must be awaited from a coroutine running on context(): the client is not thread-safe.
  awaitable<std::expected<redis_reply, core::error>> async_exec(std::vector<std::string> args);

  // Same, for arguments the caller keeps alive until the co_await starts (a coroutine's
  // locals): the command is serialized at once, so nothing is copied or moved.
  awaitable<std::expected<redis_reply, core::error>> async_exec_view(
      std::span<const std::string> args);

  // Callback form of async_exec, for code that is not a coroutine. Invoked on the io_context.
  void exec(std::vector<std::string> args,
            std::function<void(std::expected<redis_reply, core::error>)> done);

  // Makes this connection a subscriber of `channel` (call before start(); it then runs no other
  // command): after every connect and reconnect it subscribes, calls `on_subscribed` once the
  // server confirmed (whoever listens re-reads what it may have missed while disconnected), and
  // `on_message` with each message's payload. Both are called on the io_context.
  void subscribe(std::string channel, std::function<void(std::string)> on_message,
                 std::function<void()> on_subscribed);

  asio::io_context& context() noexcept;

 private:
  struct impl;
  explicit redis_client(asio::io_context& ioc, redis_options opts);
  std::unique_ptr<impl> impl_;
};

}  // namespace lg::store
