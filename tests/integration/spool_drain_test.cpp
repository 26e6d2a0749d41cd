// The spool against a real Redis: the drainer replays spooled leads in order and exactly once
// (leads that reached Redis before — an accept that timed out but landed, or a crash between a
// replay and the segment's removal — are answered by their idempotency keys), the request path's
// accept spools while Redis is down and keeps order after, and a full backlog is not spooled.
#include "spool/drainer.hpp"
#include "spool/durable_accept.hpp"
#include "spool/spool.hpp"

#include "integration/test_redis.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <random>

namespace lg::spool {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class spool_drain_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::fresh_temp_dir("spool-drain");
    tenant_ = test::fresh_tenant("spool");
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::shared_ptr<spool> open_spool() {
    auto sp = spool::open(spool_options{dir_});
    EXPECT_TRUE(sp.has_value()) << (sp ? "" : sp.error().message);
    return sp ? *sp : nullptr;
  }

  store::accept_request request(int i, std::size_t max_length = 1'000'000) const {
    store::accept_request r;
    r.tenant = tenant_;
    r.idempotency_key = "form:web:" + std::to_string(i);
    r.lead_id = "lead-" + std::to_string(i);
    r.event_json = R"({"lead_id":"lead-)" + std::to_string(i) + R"(","name":"Trần Văn Nam"})";
    r.max_stream_length = max_length;
    return r;
  }

  // The lead ids in lg:{t}:in, oldest first, read with `client` on `ioc`.
  std::vector<std::string> stream_ids(asio::io_context& ioc, store::redis_client& client) {
    std::vector<std::string> ids;
    bool done = test::run_bounded(
        ioc,
        [&]() -> awaitable<void> {
          auto r = co_await client.async_exec(test::cmd("XRANGE", store::keys::inbound(tenant_), "-", "+"));
          LG_CO_ASSERT(r.has_value() && r->is_array());
          for (const auto& entry : r->elements) {
            const auto& fields = entry.elements.at(1).elements;
            for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
              if (fields[i].str == "lead_id") ids.push_back(fields[i + 1].str);
            }
          }
        },
        5s);
    EXPECT_TRUE(done);
    return ids;
  }

  // A client on `ioc`, connected; null when it did not connect within 5 s.
  static std::shared_ptr<store::redis_client> connect(asio::io_context& ioc, store::redis_options opts) {
    auto client = store::redis_client::create(ioc, std::move(opts));
    client->start();
    if (test::wait_connected(*client, &ioc)) return client;
    client->stop();
    return nullptr;
  }

  static bool wait_drained(const spool& sp, std::chrono::milliseconds limit = 10s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (sp.pending() && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
    return !sp.pending();
  }

  static std::vector<std::string> ids(int from, int to) {
    std::vector<std::string> v;
    for (int i = from; i < to; ++i) v.push_back("lead-" + std::to_string(i));
    return v;
  }

  fs::path dir_;
  std::string tenant_;
};

TEST_F(spool_drain_test, replays_in_order_and_exactly_once) {
  LG_REQUIRE_REDIS_URL(url);
  auto sp = open_spool();
  ASSERT_TRUE(sp);
  asio::io_context ioc;
  auto client = connect(ioc, test::test_redis_options());
  ASSERT_TRUE(client);
  ASSERT_TRUE(test::run_bounded(
      ioc,
      [&]() -> awaitable<void> {
        // Leads 0-9 reached Redis before they were spooled (their accept timed out but landed).
        for (int i = 0; i < 10; ++i) {
          auto r = co_await store::async_accept(*client, request(i));
          LG_CO_ASSERT(r.has_value() && !r->duplicate);
        }
        for (int i = 0; i < 300; ++i) {
          auto w = co_await sp->async_append(request(i));
          LG_CO_ASSERT(w.has_value());
        }
      },
      20s));
  ASSERT_EQ(sp->report().records, 300u);

  drainer_options o;
  o.window = 32;
  drainer d(sp, test::test_redis_options(), o);
  d.start();
  ASSERT_TRUE(wait_drained(*sp));
  d.stop();
  EXPECT_EQ(stream_ids(ioc, *client), ids(0, 300));
  EXPECT_EQ(sp->report().drained, 300u);
  EXPECT_EQ(sp->report().bytes, 0u);
  client->stop();
}

TEST_F(spool_drain_test, a_replay_cut_by_a_crash_is_replayed_again_without_duplicates) {
  LG_REQUIRE_REDIS_URL(url);
  {
    auto sp = open_spool();
    ASSERT_TRUE(sp);
    asio::io_context ioc;
    ASSERT_TRUE(test::run_bounded(
        ioc,
        [&]() -> awaitable<void> {
          for (int i = 0; i < 40; ++i) LG_CO_ASSERT((co_await sp->async_append(request(i))).has_value());
        },
        10s));
  }
  asio::io_context ioc;
  auto client = connect(ioc, test::test_redis_options());
  ASSERT_TRUE(client);
  // The earlier process replayed the first 25 before it was killed, so the segment is still there.
  ASSERT_TRUE(test::run_bounded(
      ioc,
      [&]() -> awaitable<void> {
        for (int i = 0; i < 25; ++i) LG_CO_ASSERT((co_await store::async_accept(*client, request(i))).has_value());
      },
      10s));
  auto sp = open_spool();  // the next start
  ASSERT_TRUE(sp);
  ASSERT_EQ(sp->report().records, 40u);
  drainer d(sp, test::test_redis_options());
  d.start();
  ASSERT_TRUE(wait_drained(*sp));
  d.stop();
  EXPECT_EQ(stream_ids(ioc, *client), ids(0, 40));
  client->stop();
}

TEST_F(spool_drain_test, the_request_path_spools_while_redis_is_down_and_keeps_order_after) {
  test::private_redis server;
  ASSERT_EQ(server.start(), "");
  auto sp = open_spool();
  ASSERT_TRUE(sp);
  asio::io_context ioc;
  auto opts = store::redis_options::from_url(server.url()).value();
  opts.command_timeout = 500ms;
  opts.reconnect_max = 100ms;
  auto client = connect(ioc, opts);
  ASSERT_TRUE(client);
  server.stop();  // a crash: the accept finds no Redis

  std::optional<std::expected<durable_result, core::error>> first;
  ASSERT_TRUE(test::run_bounded(
      ioc, [&]() -> awaitable<void> { first = co_await async_durable_accept(*client, sp.get(), request(0)); }, 10s));
  ASSERT_TRUE(first && first->has_value()) << (first && !first->has_value() ? (*first).error().message : "");
  EXPECT_TRUE((*first)->spooled);
  EXPECT_EQ((*first)->accepted.lead_id, "lead-0");

  ASSERT_EQ(server.start(), "");
  ASSERT_TRUE(test::wait_connected(*client, &ioc, 10s));
  // Redis is back but lead-0 still waits in the spool: lead-1 queues behind it.
  std::optional<std::expected<durable_result, core::error>> second;
  ASSERT_TRUE(test::run_bounded(
      ioc, [&]() -> awaitable<void> { second = co_await async_durable_accept(*client, sp.get(), request(1)); }, 10s));
  ASSERT_TRUE(second && second->has_value());
  EXPECT_TRUE((*second)->spooled);

  drainer d(sp, opts);
  d.start();
  ASSERT_TRUE(wait_drained(*sp));
  d.stop();
  // Drained: the next lead goes straight to Redis, and a repeat is a duplicate again.
  std::optional<std::expected<durable_result, core::error>> third, again;
  ASSERT_TRUE(test::run_bounded(
      ioc,
      [&]() -> awaitable<void> {
        third = co_await async_durable_accept(*client, sp.get(), request(2));
        again = co_await async_durable_accept(*client, sp.get(), request(0));
      },
      10s));
  ASSERT_TRUE(third && third->has_value() && again && again->has_value());
  EXPECT_FALSE((*third)->spooled);
  EXPECT_FALSE((*again)->spooled);
  EXPECT_TRUE((*again)->accepted.duplicate);
  EXPECT_EQ(stream_ids(ioc, *client), ids(0, 3));
  client->stop();
}

TEST_F(spool_drain_test, a_full_backlog_is_a_bound_not_an_outage) {
  LG_REQUIRE_REDIS_URL(url);
  auto sp = open_spool();
  ASSERT_TRUE(sp);
  asio::io_context ioc;
  auto client = connect(ioc, test::test_redis_options());
  ASSERT_TRUE(client);
  std::optional<std::expected<durable_result, core::error>> first, second;
  ASSERT_TRUE(test::run_bounded(
      ioc,
      [&]() -> awaitable<void> {
        first = co_await async_durable_accept(*client, sp.get(), request(0, 1));
        second = co_await async_durable_accept(*client, sp.get(), request(1, 1));
      },
      10s));
  ASSERT_TRUE(first && first->has_value());
  ASSERT_TRUE(second && !second->has_value());
  EXPECT_TRUE(store::is_backlog_full(second->error()));
  EXPECT_FALSE(sp->pending());
  EXPECT_EQ(sp->report().appended, 0u);
  client->stop();
}

}  // namespace
}  // namespace lg::spool
