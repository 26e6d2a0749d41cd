// Helpers for integration tests that need Redis:
//  - test_redis_options(), wait_connected(), blocking_redis: the one way a test reaches the
//    shared test Redis (a client on a thread of its own; exec() blocks, bounded);
//  - redis_url(): the shared test Redis from LG_TEST_REDIS_URL (scripts/test starts it);
//  - private_redis: a redis-server of the test's own, on a free port in a temp dir, that the
//    test may kill and start again (for restart/outage tests);
//  - run_bounded(): runs a coroutine on an io_context with a hard time limit.
// The definitions live in test_redis.cpp (built once, in lg_integration_support).
#pragma once

#include "core/asio.hpp"
#include "store/contacts.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "support/process.hpp"
#include "support/tenant.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lg::test {

// The URL of the shared test Redis, or empty when LG_TEST_REDIS_URL is unset.
inline std::string redis_url() {
  const char* v = std::getenv("LG_TEST_REDIS_URL");
  return v != nullptr ? std::string(v) : std::string();
}

#define LG_REQUIRE_REDIS_URL(var)                                                         \
  const std::string var = ::lg::test::redis_url();                                        \
  ASSERT_FALSE(var.empty()) << "LG_TEST_REDIS_URL is not set: run scripts/test, or start " \
                               "a redis-server and export LG_TEST_REDIS_URL=redis://127.0.0.1:PORT"

// ASSERT_* expands to `return`, which a coroutine cannot use: this is its co_return twin.
#define LG_CO_ASSERT(cond)                          \
  if (!(cond)) {                                    \
    ADD_FAILURE() << "assertion failed: " << #cond; \
    co_return;                                      \
  }

// The one wait for a test's Redis connection: until `client` is connected, at most `limit`.
// With `ioc`, the test's own io_context is driven meanwhile; without, another thread runs it.
bool wait_connected(store::redis_client& client, asio::io_context* ioc = nullptr,
                    std::chrono::milliseconds limit = std::chrono::seconds(5));

store::redis_options test_redis_options();

// A redis_client on a private io_context thread; exec() blocks the test thread (bounded).
class blocking_redis {
 public:
  blocking_redis();
  ~blocking_redis();
  store::redis_reply exec(std::vector<std::string> args);
  // Many commands pipelined, waiting for all.
  void exec_all(std::vector<std::vector<std::string>> cmds);
  // The contact id follows aliases to the survivor.
  std::string canonical(const std::string& tenant, std::string id);
  // The contact an identity key ("phone:+84…") resolves to, aliases followed; "" when none.
  std::string find_contact(const std::string& tenant, const std::string& identity_key);
  // A contact's whole timeline, newest first: the list, then the first touch if it is still
  // kept in the contact hash.
  std::vector<nlohmann::json> timeline(const std::string& tenant, const std::string& id);
  std::size_t count_keys(const std::string& pattern);

 private:
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<store::redis_client> client_;
  std::thread thread_;
};

// Runs `body` as a coroutine on `ioc` until it finishes or `limit` passes. Returns false on
// timeout; rethrows an exception that escaped the coroutine.
bool run_bounded(asio::io_context& ioc, std::function<awaitable<void>()> body,
                 std::chrono::milliseconds limit);

// A command as a vector, built outside the coroutine: GCC 12 fails to compile a braced list
// ("array used as initializer") in the same full-expression as a co_await.
template <class... Args>
std::vector<std::string> cmd(Args&&... args) {
  std::vector<std::string> v;
  v.reserve(sizeof...(args));
  (v.emplace_back(std::forward<Args>(args)), ...);
  return v;
}

// Sleeps in a coroutine without blocking the io_context.
awaitable<void> sleep_for(std::chrono::milliseconds d);

// A free TCP port on 127.0.0.1 (bound to port 0, read back, released).
unsigned short free_port();

// The redis-server binary: $LG_REDIS_SERVER, else the first one on $PATH.
std::string redis_server_binary();

// A redis-server owned by one test: started in the foreground as a child process, so the
// test can kill it (an outage) and start it again on the same port.
class private_redis {
 public:
  private_redis();
  ~private_redis();
  private_redis(const private_redis&) = delete;
  private_redis& operator=(const private_redis&) = delete;

  unsigned short port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  std::string unix_url() const { return "unix://" + dir_ + "/redis.sock"; }

  // Empty on success, else why it failed. Waits (bounded) until the port accepts connections.
  // `extra`: more redis-server arguments (say "--replicaof", "127.0.0.1", "<port>").
  std::string start(const std::vector<std::string>& extra = {});

  // SIGKILL: an abrupt outage, like a crash. Bounded wait for the child to exit.
  void stop();

 private:
  bool accepts() const;

  std::string binary_;
  std::string dir_;
  unsigned short port_ = 0;
  std::unique_ptr<child_process> child_;
};

}  // namespace lg::test
