// redis.min_replicas_ack against a real primary and replica: a new lead is acknowledged once the
// replica has it; with the replica gone the accept times out instead of answering a 2xx a
// failover could undo — and the request path's accept puts the lead in the spool.
#include "spool/durable_accept.hpp"
#include "spool/spool.hpp"
#include "store/inbound_log.hpp"

#include "integration/test_redis.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <random>

namespace lg::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

accept_request replica_request(int i, unsigned replicas) {
  accept_request r;
  r.tenant = "replica-ack";
  r.idempotency_key = "form:web:" + std::to_string(i);
  r.lead_id = "lead-" + std::to_string(i);
  r.event_json = R"({"lead_id":"lead-)" + std::to_string(i) + R"("})";
  r.min_replicas_ack = replicas;
  r.replica_ack_timeout = 300ms;
  return r;
}

TEST(replica_ack, a_lead_is_acknowledged_once_the_replica_has_it_and_spooled_when_it_is_gone) {
  test::private_redis primary, replica;
  // No diskless-sync delay (Redis waits 5 s by default for more replicas before the first sync).
  ASSERT_EQ(primary.start({"--repl-diskless-sync-delay", "0"}), "");
  ASSERT_EQ(replica.start({"--replicaof", "127.0.0.1", std::to_string(primary.port())}), "");
  asio::io_context ioc;
  auto client = redis_client::create(ioc, redis_options::from_url(primary.url()).value());
  client->start();
  ASSERT_TRUE(test::wait_connected(*client, &ioc));

  std::optional<std::expected<accept_result, core::error>> with_replica, without;
  ASSERT_TRUE(test::run_bounded(
      ioc,
      [&]() -> awaitable<void> {
        // The replica's first sync takes a moment: wait (bounded) until the primary has it online.
        for (int i = 0; i < 500; ++i) {
          auto info = co_await client->async_exec(test::cmd("INFO", "replication"));
          if (info && info->str.find("state=online") != std::string::npos) break;
          co_await test::sleep_for(20ms);
        }
        auto first = replica_request(0, 1);
        first.replica_ack_timeout = 3s;  // returns as soon as the replica acknowledges
        with_replica = co_await async_accept(*client, first);
      },
      20s));
  ASSERT_TRUE(with_replica && with_replica->has_value()) << (*with_replica).error().message;
  EXPECT_FALSE((*with_replica)->duplicate);

  replica.stop();
  ASSERT_TRUE(test::run_bounded(
      ioc, [&]() -> awaitable<void> { without = co_await async_accept(*client, replica_request(1, 1)); }, 10s));
  ASSERT_TRUE(without && !without->has_value());
  EXPECT_EQ(without->error().code, core::errc::timeout);
  EXPECT_NE(without->error().message.find("0 of 1 replicas"), std::string::npos) << without->error().message;

  // The request path: the same outcome sends the lead to the spool instead of a false 2xx.
  const auto dir = test::fresh_temp_dir("replica-spool");
  auto sp = spool::spool::open(spool::spool_options{dir});
  ASSERT_TRUE(sp.has_value());
  std::optional<std::expected<spool::durable_result, core::error>> durable;
  ASSERT_TRUE(test::run_bounded(
      ioc,
      [&]() -> awaitable<void> {
        durable = co_await spool::async_durable_accept(*client, sp->get(), replica_request(2, 1));
      },
      10s));
  ASSERT_TRUE(durable && durable->has_value());
  EXPECT_TRUE((*durable)->spooled);
  EXPECT_EQ((*sp)->report().records, 1u);
  client->stop();
  sp->reset();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lg::store
