// Helpers for integration tests that need Redis:
//  - redis_url(): the shared test Redis from LG_TEST_REDIS_URL (scripts/test starts it);
//  - private_redis: a redis-server of the test's own, on a free port in a temp dir, that the
//    test may kill and start again (for restart/outage tests);
//  - run_bounded(): runs a coroutine on an io_context with a hard time limit.
#pragma once

#include "core/asio.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

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

// Runs `body` as a coroutine on `ioc` until it finishes or `limit` passes. Returns false on
// timeout; rethrows an exception that escaped the coroutine.
inline bool run_bounded(asio::io_context& ioc, std::function<awaitable<void>()> body,
                        std::chrono::milliseconds limit) {
  bool done = false;
  std::exception_ptr failure;
  asio::co_spawn(ioc, std::move(body), [&](std::exception_ptr e) {
    done = true;
    failure = e;
  });
  auto until = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < until) {
    ioc.run_one_until(until);
  }
  if (failure) std::rethrow_exception(failure);
  return done;
}

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
inline awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

// A free TCP port on 127.0.0.1 (bound to port 0, read back, released).
inline unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

// The redis-server binary: $LG_REDIS_SERVER, else the first one on $PATH.
inline std::string redis_server_binary() {
  if (const char* v = std::getenv("LG_REDIS_SERVER"); v != nullptr && *v != '\0') return v;
  const char* path = std::getenv("PATH");
  std::string p = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::filesystem::path candidate = std::filesystem::path(p.substr(start, end - start)) / "redis-server";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return {};
}

// A redis-server owned by one test: started in the foreground as a child process, so the
// test can kill it (an outage) and start it again on the same port.
class private_redis {
 public:
  private_redis() {
    binary_ = redis_server_binary();
    port_ = free_port();
    std::string tmpl = (std::filesystem::temp_directory_path() / "lg-redis-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) != nullptr) dir_ = buf.data();
  }
  ~private_redis() {
    stop();
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  private_redis(const private_redis&) = delete;
  private_redis& operator=(const private_redis&) = delete;

  unsigned short port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  std::string unix_url() const { return "unix://" + dir_ + "/redis.sock"; }

  // Empty on success, else why it failed. Waits (bounded) until the port accepts connections.
  std::string start() {
    if (binary_.empty()) return "redis-server not found (set LG_REDIS_SERVER or PATH)";
    if (port_ == 0 || dir_.empty()) return "no free port or temp dir";
    std::string port = std::to_string(port_);
    std::vector<std::string> args{binary_, "--port", port, "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no", "--dir", dir_, "--loglevel", "warning",
                                  "--logfile", dir_ + "/redis.log", "--unixsocket", dir_ + "/redis.sock"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (::posix_spawn(&pid_, binary_.c_str(), nullptr, nullptr, argv.data(), environ) != 0) {
      pid_ = -1;
      return "cannot spawn " + binary_;
    }
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < until) {
      if (accepts()) return {};
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    stop();
    return "redis-server did not accept connections on port " + port + " within 10 s";
  }

  // SIGKILL: an abrupt outage, like a crash. Bounded wait for the child to exit.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (::waitpid(pid_, &status, WNOHANG) == 0 && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
  }

 private:
  bool accepts() const {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port_);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
  }

  std::string binary_;
  std::string dir_;
  unsigned short port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace lg::test
