// redis_client against a fake server on 127.0.0.1:0 that speaks just enough RESP: the
// connection handshake, failures, timeouts and bounds, without a real Redis.
#include "store/redis_client.hpp"

#include <hiredis/hiredis.h>

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lg::store {
namespace {

using namespace std::chrono_literals;
using asio::ip::tcp;
using result = std::expected<redis_reply, core::error>;

// Each request is parsed with hiredis's reader; `respond` returns the bytes to send back
// ("" sends nothing, "<close>" closes the connection).
class fake_server {
 public:
  using responder = std::function<std::string(const std::vector<std::string>& cmd)>;

  fake_server(asio::io_context& ioc, responder r) : acceptor_(ioc, {asio::ip::make_address("127.0.0.1"), 0}), respond_(std::move(r)) {
    asio::co_spawn(ioc, accept_loop(), asio::detached);
  }
  ~fake_server() {
    boost::system::error_code ec;
    acceptor_.close(ec);
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  int accepted = 0;
  std::vector<std::vector<std::string>> commands;

 private:
  awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket s = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      ++accepted;
      asio::co_spawn(acceptor_.get_executor(), serve(std::move(s)), asio::detached);
    }
  }

  awaitable<void> serve(tcp::socket s) {
    std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader(redisReaderCreate(), &redisReaderFree);
    std::array<char, 4096> buf;
    for (;;) {
      boost::system::error_code ec;
      std::size_t n = co_await s.async_read_some(asio::buffer(buf), asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      redisReaderFeed(reader.get(), buf.data(), n);
      void* raw = nullptr;
      while (redisReaderGetReply(reader.get(), &raw) == REDIS_OK && raw != nullptr) {
        auto* r = static_cast<redisReply*>(raw);
        std::vector<std::string> cmd;
        for (std::size_t i = 0; i < r->elements; ++i) cmd.emplace_back(r->element[i]->str, r->element[i]->len);
        freeReplyObject(raw);
        raw = nullptr;
        commands.push_back(cmd);
        std::string out = respond_(cmd);
        if (out == "<close>") co_return;
        if (!out.empty()) co_await asio::async_write(s, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
      }
    }
  }

  tcp::acceptor acceptor_;
  responder respond_;
};

redis_options local(unsigned short port) {
  redis_options o;
  o.host = "127.0.0.1";
  o.port = port;
  o.connect_timeout = 200ms;
  o.command_timeout = 200ms;
  o.reconnect_min = 10ms;
  o.reconnect_max = 50ms;
  return o;
}

// Runs the io_context until `pred` holds or `limit` passes.
bool run_until(asio::io_context& ioc, const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!pred() && std::chrono::steady_clock::now() < until) {
    ioc.run_one_until(std::min(until, std::chrono::steady_clock::now() + 10ms));
  }
  return pred();
}

// Sends `cmd` through `c` and runs `ioc` until its answer came (`limit` at most): the answer, or
// nullopt when none came in time.
std::optional<result> exec_and_wait(asio::io_context& ioc, redis_client& c, std::vector<std::string> cmd,
                                    std::chrono::milliseconds limit = 2s) {
  auto got = std::make_shared<std::optional<result>>();  // the callback may outlive this call
  c.exec(std::move(cmd), [got](result r) { *got = std::move(r); });
  run_until(ioc, [&] { return got->has_value(); }, limit);
  return *got;
}

TEST(redis_client, not_started_fails_at_once_with_unavailable) {
  asio::io_context ioc;
  auto c = redis_client::create(ioc, local(1));
  std::optional<result> got;
  c->exec({"PING"}, [&](result r) { got = std::move(r); });
  EXPECT_FALSE(got.has_value());  // never inside the call: always posted
  ASSERT_TRUE(run_until(ioc, [&] { return got.has_value(); }, 1s));
  ASSERT_FALSE(got->has_value());
  EXPECT_EQ(got->error().code, core::errc::unavailable);
  EXPECT_FALSE(c->connected());
}

TEST(redis_client, handshake_sends_auth_and_select_before_commands) {
  asio::io_context ioc;
  fake_server srv(ioc, [](const auto& cmd) { return cmd[0] == "PING" ? std::string("+PONG\r\n") : std::string("+OK\r\n"); });
  auto o = local(srv.port());
  o.username = "gw";
  o.password = "pw";
  o.db = 2;
  auto c = redis_client::create(ioc, o);
  c->start();
  ASSERT_TRUE(run_until(ioc, [&] { return c->connected(); }, 2s));
  const auto got = exec_and_wait(ioc, *c, {"PING"});
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->str, "PONG");
  ASSERT_EQ(srv.commands.size(), 3u);
  EXPECT_EQ(srv.commands[0], (std::vector<std::string>{"AUTH", "gw", "pw"}));
  EXPECT_EQ(srv.commands[1], (std::vector<std::string>{"SELECT", "2"}));
  EXPECT_EQ(srv.commands[2], (std::vector<std::string>{"PING"}));
}

TEST(redis_client, refused_auth_is_never_connected_and_is_retried) {
  asio::io_context ioc;
  fake_server srv(ioc, [](const auto&) { return std::string("-WRONGPASS invalid username-password pair\r\n"); });
  auto o = local(srv.port());
  o.password = "bad";
  auto c = redis_client::create(ioc, o);
  c->start();
  EXPECT_TRUE(run_until(ioc, [&] { return srv.accepted >= 3; }, 3s));
  EXPECT_FALSE(c->connected());
}

TEST(redis_client, stalled_handshake_hits_the_connect_timeout_and_retries) {
  asio::io_context ioc;
  fake_server srv(ioc, [](const auto&) { return std::string(); });  // never answers
  auto o = local(srv.port());
  o.password = "pw";
  o.connect_timeout = 100ms;
  auto c = redis_client::create(ioc, o);
  c->start();
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(run_until(ioc, [&] { return srv.accepted >= 2; }, 3s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 100ms);
  EXPECT_FALSE(c->connected());
  c->stop();
  int seen = srv.accepted;
  run_until(ioc, [] { return false; }, 300ms);
  EXPECT_EQ(srv.accepted, seen) << "stop() must end the reconnect loop";
}

TEST(redis_client, peer_close_fails_pending_with_unavailable_then_reconnects) {
  asio::io_context ioc;
  bool closed_once = false;
  fake_server srv(ioc, [&](const auto& cmd) {
    if (cmd[0] == "BOOM" && !closed_once) {
      closed_once = true;
      return std::string("<close>");
    }
    return std::string("+PONG\r\n");
  });
  auto c = redis_client::create(ioc, local(srv.port()));
  c->start();
  ASSERT_TRUE(run_until(ioc, [&] { return c->connected(); }, 2s));
  auto got = exec_and_wait(ioc, *c, {"BOOM"});
  ASSERT_TRUE(got.has_value());
  ASSERT_FALSE(got->has_value());
  EXPECT_EQ(got->error().code, core::errc::unavailable);  // not a timeout: it was fast
  EXPECT_EQ(c->stats().disconnects, 1u);
  ASSERT_TRUE(run_until(ioc, [&] { return c->connected(); }, 2s));
  EXPECT_EQ(c->stats().reconnects, 1u);
  EXPECT_EQ(srv.accepted, 2);
  got = exec_and_wait(ioc, *c, {"PING"});
  ASSERT_TRUE(got.has_value());
  ASSERT_TRUE(got->has_value());
}

TEST(redis_client, timeouts_and_the_pending_bound) {
  asio::io_context ioc;
  fake_server srv(ioc, [](const auto&) { return std::string(); });  // swallows commands
  auto o = local(srv.port());
  o.max_pending = 2;
  auto c = redis_client::create(ioc, o);
  c->start();
  ASSERT_TRUE(run_until(ioc, [&] { return c->connected(); }, 2s));
  std::vector<result> got;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) c->exec({"GET", "k"}, [&](result r) { got.push_back(std::move(r)); });
  // The third is over the bound and fails at once; the first two time out.
  ASSERT_TRUE(run_until(ioc, [&] { return got.size() == 1; }, 1s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 150ms);
  EXPECT_EQ(got[0].error().code, core::errc::unavailable);
  ASSERT_TRUE(run_until(ioc, [&] { return got.size() == 3; }, 2s));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 200ms);
  EXPECT_EQ(got[1].error().code, core::errc::timeout);
  EXPECT_EQ(got[2].error().code, core::errc::timeout);
  EXPECT_EQ(c->stats().timeouts, 2u);
  // Timed-out commands still occupy the connection until their replies come: still bounded.
  std::optional<result> more;
  c->exec({"GET", "k"}, [&](result r) { more = std::move(r); });
  ASSERT_TRUE(run_until(ioc, [&] { return more.has_value(); }, 1s));
  EXPECT_EQ(more->error().code, core::errc::unavailable);
}

TEST(redis_client, coroutine_form_returns_the_reply) {
  asio::io_context ioc;
  fake_server srv(ioc, [](const auto& cmd) { return "$" + std::to_string(cmd[1].size()) + "\r\n" + cmd[1] + "\r\n"; });
  auto c = redis_client::create(ioc, local(srv.port()));
  c->start();
  ASSERT_TRUE(run_until(ioc, [&] { return c->connected(); }, 2s));
  std::optional<result> a, b;
  asio::co_spawn(ioc, [&]() -> awaitable<void> {
    std::vector<std::string> one{"ECHO", "one"};
    a = co_await c->async_exec(std::move(one));
    std::vector<std::string> args{"ECHO", "two"};
    b = co_await c->async_exec_view(args);
  }, asio::detached);
  ASSERT_TRUE(run_until(ioc, [&] { return b.has_value(); }, 2s));
  ASSERT_TRUE(a->has_value() && b->has_value());
  EXPECT_EQ((*a)->str, "one");
  EXPECT_EQ((*b)->str, "two");
}

}  // namespace
}  // namespace lg::store
