// Several processes against one Redis: each destination, and the fan-out, works only in the
// process holding its lease (webhooks/delivery_pool.hpp, store/lease.hpp). Two pools deliver
// every entry once and in order per contact; a stopped pool hands over at once; a crashed
// holder's lease runs out and another process takes over; the fan-out trims what it copied.
#include "delivery_harness.hpp"
#include "store/lease.hpp"

namespace lg::test {
namespace {

using namespace std::chrono_literals;

TEST_F(delivery_test, TwoPoolsDeliverEachEntryOnceInOrder) {
  fake_receiver rx(whsec_a);
  auto cfg = make_config({destination("crm", rx.url())});
  auto one = make_pool(cfg);
  auto two = make_pool(cfg);
  one->start();
  two->start();
  ASSERT_TRUE(wait_for([&] { return one->holds("crm") || two->holds("crm"); }, 5s));
  EXPECT_NE(one->holds("crm"), two->holds("crm"));  // exactly one of them
  EXPECT_TRUE(wait_for([&] { return one->holds("") != two->holds(""); }, 5s));  // the fan-out too
  write_outbox(1000, 40);
  ASSERT_TRUE(rx.wait_unique(1000, 30s)) << rx.unique();
  one->stop();
  two->stop();
  EXPECT_EQ(rx.duplicates(), 0u);
  EXPECT_EQ(rx.requests(), 1000u);
  expect_order_per_contact(rx);
}

TEST_F(delivery_test, StoppedPoolHandsItsDestinationOver) {
  fake_receiver rx(whsec_a);
  auto cfg = make_config({destination("crm", rx.url())});
  auto first = make_pool(cfg);
  first->start();
  ASSERT_TRUE(wait_for([&] { return first->holds("crm"); }, 5s));
  auto second = make_pool(cfg);
  second->start();
  write_outbox(10, 3);
  ASSERT_TRUE(rx.wait_unique(10, 10s));
  EXPECT_FALSE(second->holds("crm"));
  EXPECT_EQ(second->worker("crm")->stats().attempts.load(), 0u);

  first->stop();  // releases its leases: the second takes over within one renew interval
  ASSERT_TRUE(wait_for([&] { return second->holds("crm"); }, 3s));
  write_outbox(10, 3, 10);
  ASSERT_TRUE(rx.wait_unique(20, 10s));
  second->stop();
  EXPECT_EQ(second->worker("crm")->stats().delivered.load(), 10u);
  EXPECT_EQ(rx.duplicates(), 0u);
  expect_order_per_contact(rx);
}

TEST_F(delivery_test, CrashedHoldersLeaseRunsOutThenAnotherDelivers) {
  fake_receiver rx(whsec_a);
  auto cfg = make_config({destination("crm", rx.url())});
  // A holder that died without releasing: its lease has 800 ms left.
  ASSERT_TRUE(exec({"SET", store::keys::lease(tenant_, "dst:crm"), "dead-host:1:1", "PX", "800"}));
  write_outbox(20, 4);
  const auto t0 = std::chrono::steady_clock::now();
  auto pool = make_pool(cfg);
  pool->start();
  ASSERT_TRUE(rx.wait_unique(1, 10s));
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, 600ms);  // nothing went out while the dead holder's lease ran
  ASSERT_TRUE(rx.wait_unique(20, 10s));
  pool->stop();
  EXPECT_EQ(rx.duplicates(), 0u);
  // Released on stop.
  EXPECT_EQ(integer({"EXISTS", store::keys::lease(tenant_, "dst:crm")}), 0);
}

TEST_F(delivery_test, FanoutTrimsWhatItCopied) {
  fake_receiver rx(whsec_a);
  auto cfg = make_config({destination("crm", rx.url())});
  write_outbox(1000, 50);
  EXPECT_EQ(integer({"XLEN", store::keys::outbox(tenant_)}), 1000);
  auto pool = make_pool(cfg);
  pool->start();
  ASSERT_TRUE(rx.wait_unique(1000, 30s));
  pool->stop();
  // Whole stream nodes (100 entries) are trimmed: at most the last one's entries remain.
  EXPECT_LE(integer({"XLEN", store::keys::outbox(tenant_)}), 100);
  EXPECT_EQ(rx.duplicates(), 0u);
}

TEST_F(delivery_test, FanoutDrainsTheOutboxWithNoDestination) {
  auto cfg = make_config({});
  write_outbox(500, 10);
  auto pool = make_pool(cfg);
  pool->start();
  ASSERT_TRUE(wait_for([&] { return pool->fanout_stats().entries.load() == 500; }, 10s));
  pool->stop();
  EXPECT_LE(integer({"XLEN", store::keys::outbox(tenant_)}), 100);
}

}  // namespace
}  // namespace lg::test
