// redis_client against a real Redis: pipelined load, command timeouts, an outage with
// automatic reconnect, unix sockets, and stop() with commands in flight.
#include "store/redis_client.hpp"

#include "integration/test_redis.hpp"

#include <gtest/gtest.h>

#include <random>

namespace lg::store {
namespace {

using namespace std::chrono_literals;

std::string unique(std::string_view what) {
  static std::mt19937_64 rng{std::random_device{}()};
  return "lg-test:" + std::string(what) + ":" + std::to_string(rng());
}

redis_options options_for(const std::string& url) {
  auto o = redis_options::from_url(url);
  EXPECT_TRUE(o.has_value()) << (o ? "" : o.error().message);
  return o.value_or(redis_options{});
}

// A client of `o`, started (it connects in the background).
std::shared_ptr<redis_client> started(asio::io_context& ioc, const redis_options& o) {
  auto c = redis_client::create(ioc, o);
  c->start();
  return c;
}

// Waits (bounded) until the client reports connected.
awaitable<bool> wait_connected(redis_client& c, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (!c.connected() && std::chrono::steady_clock::now() < until) co_await test::sleep_for(5ms);
  co_return c.connected();
}

// Runs body on ioc, with a hard time limit, once `client` has connected (5 s at the most).
bool run_connected(asio::io_context& ioc, redis_client& client, std::function<awaitable<void>()> body,
                   std::chrono::milliseconds limit) {
  return test::run_bounded(
      ioc,
      [&]() -> awaitable<void> {
        EXPECT_TRUE(co_await wait_connected(client, 5s));
        co_await body();
      },
      limit);
}

TEST(redis_client, ten_thousand_concurrent_incr_all_succeed) {
  LG_REQUIRE_REDIS_URL(url);
  asio::io_context ioc;
  auto client = started(ioc, options_for(url));
  const std::string key = unique("incr");
  constexpr int coroutines = 100;
  constexpr int per_coroutine = 100;
  int ok = 0;
  int failed = 0;
  long long final_value = -1;
  bool finished = run_connected(
      ioc, *client,
      [&]() -> awaitable<void> {
        int running = coroutines;
        auto ex = co_await asio::this_coro::executor;
        for (int i = 0; i < coroutines; ++i) {
          asio::co_spawn(
              ex,
              [&]() -> awaitable<void> {
                for (int j = 0; j < per_coroutine; ++j) {
                  auto r = co_await client->async_exec(test::cmd("INCR", key));
                  if (r && r->as_integer()) ++ok; else ++failed;
                }
                --running;
              },
              asio::detached);
        }
        while (running > 0) co_await test::sleep_for(1ms);
        auto v = co_await client->async_exec(test::cmd("GET", key));
        if (v && v->as_integer()) final_value = *v->as_integer();
        co_await client->async_exec(test::cmd("DEL", key));
      },
      30s);
  ASSERT_TRUE(finished) << "timed out";
  EXPECT_EQ(ok, coroutines * per_coroutine);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(final_value, coroutines * per_coroutine);
  EXPECT_GE(client->stats().commands, static_cast<std::uint64_t>(coroutines * per_coroutine));
  EXPECT_EQ(client->stats().timeouts, 0u);
}

TEST(redis_client, replies_keep_their_types_and_error_replies_are_values) {
  LG_REQUIRE_REDIS_URL(url);
  asio::io_context ioc;
  auto client = started(ioc, options_for(url));
  const std::string key = unique("types");
  bool finished = run_connected(
      ioc, *client,
      [&]() -> awaitable<void> {
        auto set = co_await client->async_exec(test::cmd("SET", key, std::string("a\0b", 3)));
        EXPECT_TRUE(set && set->type == redis_reply::kind::status && set->str == "OK");
        auto get = co_await client->async_exec(test::cmd("GET", key));
        EXPECT_TRUE(get && get->as_string() == std::string("a\0b", 3));  // binary-safe
        auto nil = co_await client->async_exec(test::cmd("GET", key + ":absent"));
        EXPECT_TRUE(nil && nil->is_nil());
        auto err = co_await client->async_exec(test::cmd("INCR", key));
        EXPECT_TRUE(err && err->is_error());
        EXPECT_EQ(client->stats().errors, 1u);
        co_await client->async_exec(test::cmd("RPUSH", key + ":l", "x", "y"));
        auto arr = co_await client->async_exec(test::cmd("LRANGE", key + ":l", "0", "-1"));
        LG_CO_ASSERT(arr && arr->is_array() && arr->elements.size() == 2);
        EXPECT_EQ(arr->elements[1].str, "y");
        co_await client->async_exec(test::cmd("DEL", key, key + ":l"));
      },
      10s);
  ASSERT_TRUE(finished) << "timed out";
}

TEST(redis_client, command_timeout_then_the_late_reply_is_dropped) {
  LG_REQUIRE_REDIS_URL(url);
  asio::io_context ioc;
  auto opts = options_for(url);
  opts.command_timeout = 200ms;
  auto client = started(ioc, opts);
  bool finished = run_connected(
      ioc, *client,
      [&]() -> awaitable<void> {
        // BLPOP on an empty list holds this connection for 1 s: a stuck command.
        auto t0 = std::chrono::steady_clock::now();
        auto blocked = co_await client->async_exec(test::cmd("BLPOP", unique("empty"), "1"));
        auto took = std::chrono::steady_clock::now() - t0;
        LG_CO_ASSERT(!(blocked.has_value()));
        EXPECT_EQ(blocked.error().code, core::errc::timeout);
        EXPECT_GE(took, 190ms);
        EXPECT_LT(took, 800ms);
        EXPECT_EQ(client->stats().timeouts, 1u);
        co_await test::sleep_for(1200ms);  // the late nil reply arrives and must be dropped
        auto ping = co_await client->async_exec(test::cmd("PING"));
        EXPECT_TRUE(ping.has_value()) << ping.error().message;
        LG_CO_ASSERT(ping.has_value());
        EXPECT_EQ(ping->str, "PONG");  // not the stale nil of BLPOP
        auto echo = co_await client->async_exec(test::cmd("ECHO", "after"));
        LG_CO_ASSERT(echo.has_value());
        EXPECT_EQ(echo->str, "after");
        EXPECT_TRUE(client->connected());
      },
      10s);
  ASSERT_TRUE(finished) << "timed out";
}

TEST(redis_client, restart_fails_fast_then_reconnects_by_itself) {
  test::private_redis server;
  ASSERT_EQ(server.start(), "");
  asio::io_context ioc;
  auto opts = options_for(server.url());
  opts.command_timeout = 500ms;
  opts.connect_timeout = 500ms;
  opts.reconnect_min = 20ms;
  opts.reconnect_max = 200ms;
  auto client = started(ioc, opts);
  bool finished = run_connected(
      ioc, *client,
      [&]() -> awaitable<void> {
        auto before = co_await client->async_exec(test::cmd("SET", "k", "v"));
        LG_CO_ASSERT(before.has_value());

        server.stop();
        // Within a bounded time the loss is noticed and commands fail with unavailable.
        bool saw_unavailable = false;
        for (int i = 0; i < 200 && !saw_unavailable; ++i) {
          auto r = co_await client->async_exec(test::cmd("PING"));
          saw_unavailable = !r && r.error().code == core::errc::unavailable;
          if (!saw_unavailable) co_await test::sleep_for(10ms);
        }
        EXPECT_TRUE(saw_unavailable);
        EXPECT_FALSE(client->connected());
        // While down, a command fails at once rather than waiting for its timeout.
        auto t0 = std::chrono::steady_clock::now();
        auto down = co_await client->async_exec(test::cmd("PING"));
        EXPECT_FALSE(down.has_value());
        if (!down) {
          EXPECT_EQ(down.error().code, core::errc::unavailable);
        }
        EXPECT_LT(std::chrono::steady_clock::now() - t0, 100ms);
        co_await test::sleep_for(300ms);  // a few failed reconnect attempts

        EXPECT_EQ(server.start(), "");
        bool back = false;
        for (int i = 0; i < 500 && !back; ++i) {
          auto r = co_await client->async_exec(test::cmd("PING"));
          back = r.has_value() && r->str == "PONG";
          if (!back) co_await test::sleep_for(10ms);
        }
        EXPECT_TRUE(back) << "the client did not reconnect";
        EXPECT_EQ(client->stats().disconnects, 1u);
        EXPECT_EQ(client->stats().reconnects, 1u);
      },
      30s);
  ASSERT_TRUE(finished) << "timed out";
}

TEST(redis_client, connects_over_a_unix_socket_and_selects_the_database) {
  test::private_redis server;
  ASSERT_EQ(server.start(), "");
  asio::io_context ioc;
  auto client = started(ioc, options_for(server.unix_url() + "?db=3"));
  bool finished = run_connected(
      ioc, *client,
      [&]() -> awaitable<void> {
        auto set = co_await client->async_exec(test::cmd("SET", "in-db-3", "1"));
        LG_CO_ASSERT(set.has_value());
        // CLIENT INFO reports the selected database of this very connection.
        auto info = co_await client->async_exec(test::cmd("CLIENT", "INFO"));
        LG_CO_ASSERT(info.has_value() && info->as_string());
        EXPECT_NE(info->str.find(" db=3 "), std::string::npos) << info->str;
      },
      10s);
  ASSERT_TRUE(finished) << "timed out";
}

TEST(redis_client, password_is_sent_on_connect) {
  test::private_redis server;
  ASSERT_EQ(server.start(), "");
  asio::io_context ioc;
  auto plain = started(ioc, options_for(server.url()));
  std::shared_ptr<redis_client> authed;
  bool finished = run_connected(
      ioc, *plain,
      [&]() -> awaitable<void> {
        auto cfg = co_await plain->async_exec(test::cmd("CONFIG", "SET", "requirepass", "s3cr@t/pw"));
        LG_CO_ASSERT(cfg && !cfg->is_error());
        authed = started(ioc, options_for("redis://:s3cr%40t%2Fpw@127.0.0.1:" + std::to_string(server.port())));
        EXPECT_TRUE(co_await wait_connected(*authed, 5s));
        auto ping = co_await authed->async_exec(test::cmd("PING"));
        LG_CO_ASSERT(ping.has_value());
        EXPECT_EQ(ping->str, "PONG");
      },
      10s);
  ASSERT_TRUE(finished) << "timed out";
}

TEST(redis_client, stop_fails_commands_in_flight_and_later_ones) {
  LG_REQUIRE_REDIS_URL(url);
  asio::io_context ioc;
  auto client = started(ioc, options_for(url));
  bool finished = run_connected(
      ioc, *client,
      [&]() -> awaitable<void> {
        std::optional<std::expected<redis_reply, core::error>> in_flight;
        client->exec(test::cmd("BLPOP", unique("empty"), "1"),
                     [&](std::expected<redis_reply, core::error> r) { in_flight = std::move(r); });
        co_await test::sleep_for(50ms);
        client->stop();
        client->stop();  // idempotent
        for (int i = 0; i < 100 && !in_flight; ++i) co_await test::sleep_for(5ms);
        LG_CO_ASSERT(in_flight.has_value());
        LG_CO_ASSERT(!(in_flight->has_value()));
        EXPECT_EQ(in_flight->error().code, core::errc::unavailable);
        auto after = co_await client->async_exec(test::cmd("PING"));
        LG_CO_ASSERT(!(after.has_value()));
        EXPECT_EQ(after.error().code, core::errc::unavailable);
      },
      10s);
  ASSERT_TRUE(finished) << "timed out";
}

TEST(redis_client, destroyed_with_commands_in_flight_and_the_io_context_stopped) {
  LG_REQUIRE_REDIS_URL(url);
  asio::io_context ioc;
  auto client = started(ioc, options_for(url));
  bool answered = false;
  bool finished = run_connected(
      ioc, *client,
      [&]() -> awaitable<void> {
        client->exec(test::cmd("BLPOP", unique("empty"), "1"),
                     [&](std::expected<redis_reply, core::error> r) {
                       answered = !r && r.error().code == core::errc::unavailable;
                     });
        co_await test::sleep_for(20ms);
      },
      10s);
  ASSERT_TRUE(finished);
  ioc.stop();
  client.reset();  // must not crash; the failure is posted to the stopped io_context
  ioc.restart();
  ioc.run_for(1s);
  EXPECT_TRUE(answered);
}

}  // namespace
}  // namespace lg::store
