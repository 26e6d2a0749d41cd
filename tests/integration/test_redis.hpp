// Helpers for integration tests that need Redis:
//  - test_redis_options(), wait_connected(), blocking_redis: the one way a test reaches the
//    shared test Redis (a client on a thread of its own; exec() blocks, bounded);
//  - redis_url(): the shared test Redis from LG_TEST_REDIS_URL (scripts/test starts it);
//  - private_redis: a redis-server of the test's own, on a free port in a temp dir, that the
//    test may kill and start again (for restart/outage tests);
//  - run_bounded(): runs a coroutine on an io_context with a hard time limit.
#pragma once

#include "core/asio.hpp"
#include "store/contacts.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "support/process.hpp"
#include "support/tenant.hpp"

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
#include <future>
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


// The one wait for a test's Redis connection: until `client` is connected, at most `limit`.
// With `ioc`, the test's own io_context is driven meanwhile; without, another thread runs it.
inline bool wait_connected(store::redis_client& client, asio::io_context* ioc = nullptr,
                           std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!client.connected() && std::chrono::steady_clock::now() < deadline) {
    if (ioc != nullptr) ioc->run_one_for(std::chrono::milliseconds(10));
    else std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return client.connected();
}

inline store::redis_options test_redis_options() {
  const char* url = std::getenv("LG_TEST_REDIS_URL");
  if (url == nullptr) throw std::runtime_error("LG_TEST_REDIS_URL is not set");
  auto o = store::redis_options::from_url(url);
  if (!o) throw std::runtime_error("LG_TEST_REDIS_URL: " + o.error().message);
  o->command_timeout = std::chrono::milliseconds(10000);
  return *o;
}

// A redis_client on a private io_context thread; exec() blocks the test thread (bounded).
class blocking_redis {
 public:
  blocking_redis() : work_(asio::make_work_guard(ioc_)) {
    client_ = store::redis_client::create(ioc_, test_redis_options());
    client_->start();
    thread_ = std::thread([this] { ioc_.run(); });
    wait_connected(*client_);
  }
  ~blocking_redis() {
    asio::post(ioc_, [c = client_] { c->stop(); });
    work_.reset();
    ioc_.stop();
    thread_.join();
  }
  store::redis_reply exec(std::vector<std::string> args) {
    std::promise<std::expected<store::redis_reply, core::error>> p;
    auto f = p.get_future();
    asio::post(ioc_, [&] { client_->exec(std::move(args), [&](auto r) { p.set_value(std::move(r)); }); });
    if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
      throw std::runtime_error("redis command timed out");
    auto r = f.get();
    if (!r) throw std::runtime_error("redis: " + r.error().message);
    return std::move(*r);
  }
  // Many commands pipelined, waiting for all.
  void exec_all(std::vector<std::vector<std::string>> cmds) {
    std::promise<void> p;
    auto f = p.get_future();
    std::size_t left = cmds.size();
    if (left == 0) return;
    asio::post(ioc_, [&] {
      for (auto& c : cmds)
        client_->exec(std::move(c), [&](auto) { if (--left == 0) p.set_value(); });
    });
    if (f.wait_for(std::chrono::seconds(120)) != std::future_status::ready)
      throw std::runtime_error("redis pipeline timed out");
  }
  // The contact id follows aliases to the survivor.
  std::string canonical(const std::string& tenant, std::string id) {
    for (int i = 0; i < 16; ++i) {
      auto r = exec({"GET", store::keys::prefix(tenant) + "alias:" + id});
      if (r.is_nil()) break;
      id = r.str;
    }
    return id;
  }
  // The contact an identity key ("phone:+84…") resolves to, aliases followed; "" when none.
  std::string find_contact(const std::string& tenant, const std::string& identity_key) {
    auto n = exec({"HGET", store::identity_index_key(tenant, identity_key), identity_key});
    if (n.is_nil()) return {};
    return canonical(tenant, "c_" + n.str);
  }
  // A contact's whole timeline, newest first: the list, then the first touch if it is still
  // kept in the contact hash.
  std::vector<nlohmann::json> timeline(const std::string& tenant, const std::string& id) {
    const std::string pfx = store::keys::prefix(tenant);
    std::vector<nlohmann::json> out;
    for (const auto& e : exec({"LRANGE", pfx + "tl:" + id, "0", "-1"}).elements)
      out.push_back(nlohmann::json::parse(e.str));
    auto h = exec({"HGETALL", pfx + "c:" + id});
    std::vector<std::pair<std::string, std::string>> fields;
    for (std::size_t i = 0; i + 1 < h.elements.size(); i += 2)
      fields.emplace_back(h.elements[i].str, h.elements[i + 1].str);
    if (auto first = store::inline_touch(fields)) out.push_back(std::move(*first));
    return out;
  }
  std::size_t count_keys(const std::string& pattern) {
    std::size_t n = 0;
    std::string cursor = "0";
    do {
      auto r = exec({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
      cursor = r.elements.at(0).str;
      n += r.elements.at(1).elements.size();
    } while (cursor != "0");
    return n;
  }

 private:
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<store::redis_client> client_;
  std::thread thread_;
};

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
    try {
      child_ = std::make_unique<child_process>(args, std::vector<std::string>{}, dir_ + "/redis.out");
    } catch (const std::exception&) {
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
    if (child_) child_->stop(SIGKILL, std::chrono::seconds(10));
    child_.reset();
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
  std::unique_ptr<child_process> child_;
};

}  // namespace lg::test
