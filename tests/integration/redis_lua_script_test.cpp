// lua_script against a real Redis: EVALSHA after SCRIPT FLUSH reloads the script by itself.
#include "store/lua_script.hpp"

#include "integration/test_redis.hpp"

#include <gtest/gtest.h>

#include <random>

namespace lg::store {
namespace {

using namespace std::chrono_literals;

TEST(redis_lua_script, noscript_after_flush_loads_and_runs) {
  LG_REQUIRE_REDIS_URL(url);
  asio::io_context ioc;
  auto client = redis_client::create(ioc, redis_options::from_url(url).value());
  client->start();
  // A comment with a random token gives a script Redis has certainly never cached.
  static const std::string source =
      "-- " + std::to_string(std::random_device{}()) +
      "\nreturn {KEYS[1], ARGV[1], tonumber(ARGV[2]) + 1}";
  const lua_script script(source);
  bool finished = test::run_bounded(
      ioc,
      [&]() -> awaitable<void> {
        for (int i = 0; i < 500 && !client->connected(); ++i) co_await test::sleep_for(10ms);
        LG_CO_ASSERT(client->connected());
        for (int round = 0; round < 2; ++round) {
          auto flushed = co_await client->async_exec(test::cmd("SCRIPT", "FLUSH"));
          LG_CO_ASSERT(flushed && !flushed->is_error());
          auto exists = co_await client->async_exec(test::cmd("SCRIPT", "EXISTS", script.sha1()));
          LG_CO_ASSERT(exists && exists->is_array() && exists->elements.size() == 1);
          EXPECT_EQ(exists->elements[0].integer, 0);  // really gone: NOSCRIPT path taken

          auto r = co_await script.async_run(*client, test::cmd("k"), test::cmd("a", "41"));
          LG_CO_ASSERT(r.has_value());
          LG_CO_ASSERT(r->is_array() && r->elements.size() == 3);
          EXPECT_EQ(r->elements[0].str, "k");
          EXPECT_EQ(r->elements[1].str, "a");
          EXPECT_EQ(r->elements[2].integer, 42);
        }
        // Loaded now: the plain EVALSHA path.
        auto again = co_await script.async_run(*client, test::cmd("k2"), test::cmd("b", "1"));
        LG_CO_ASSERT(again && again->is_array() && again->elements.size() == 3);
        EXPECT_EQ(again->elements[2].integer, 2);
        // Two NOSCRIPT answers were seen and handled: they are not errors of the connection.
        EXPECT_EQ(client->stats().errors, 0u);
        // A script error comes back as an error reply, not as an unexpected.
        const lua_script broken("return redis.call('INCR', KEYS[1], 'extra')");
        auto err = co_await broken.async_run(*client, test::cmd("k3"), test::cmd());
        LG_CO_ASSERT(err.has_value());
        EXPECT_TRUE(err->is_error());
        EXPECT_EQ(client->stats().errors, 1u);  // the script's own error is one
      },
      10s);
  ASSERT_TRUE(finished) << "timed out";
}

TEST(redis_lua_script, disconnected_client_gives_unavailable) {
  asio::io_context ioc;
  auto client = redis_client::create(ioc, redis_options{});  // never started
  const lua_script script("return 1");
  bool finished = test::run_bounded(
      ioc,
      [&]() -> awaitable<void> {
        auto r = co_await script.async_run(*client, test::cmd(), test::cmd());
        LG_CO_ASSERT(!r.has_value());
        EXPECT_EQ(r.error().code, core::errc::unavailable);
      },
      5s);
  ASSERT_TRUE(finished) << "timed out";
}

}  // namespace
}  // namespace lg::store
