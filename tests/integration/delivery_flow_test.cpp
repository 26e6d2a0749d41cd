// The delivery engine against real Redis and local receivers: signed Standard Webhooks
// deliveries, an outage with 2,000 changes (all delivered once back, in order per contact,
// none twice), a rejecting destination filling its dead letters while another stays current,
// the breaker opening and half-opening, and a restart in the middle losing nothing. Where time
// matters (retry times, the breaker's open period, Retry-After) the pool runs on a simulated
// clock the test moves; "nothing happened meanwhile" is checked after the worker has looked for
// work several times (wait_rounds), never after a sleep.
#include "delivery_harness.hpp"

#include <nlohmann/json.hpp>

namespace lg::test {
namespace {

using namespace std::chrono_literals;

TEST_F(delivery_test, DeliversSignedStandardWebhook) {
  fake_receiver rx(whsec_a);
  auto cfg = make_config({destination("crm", rx.url())});
  const auto ids = write_outbox(1, 1);
  ASSERT_EQ(ids.size(), 1u);
  auto pool = make_pool(cfg);
  pool->start();
  ASSERT_TRUE(rx.wait_unique(1, 10s));
  pool->stop();

  EXPECT_EQ(rx.bad_signatures(), 0u);
  const auto got = rx.deliveries();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].id, ids[0]);  // webhook-id = the outbox entry id
  const auto& p = got[0].payload;
  EXPECT_EQ(p["type"], "lead.assigned");
  EXPECT_TRUE(p["timestamp"].is_string());
  EXPECT_EQ(p["data"]["contact_id"], "c0");
  EXPECT_EQ(p["data"]["assigned_user_id"], "crm-user-7");
  EXPECT_EQ(p["data"]["team_id"], "hn-1");
  EXPECT_EQ(p["data"]["lead_id"], "Le000000");
  // Nothing left behind: stream drained, nothing parked, the counter says one.
  EXPECT_EQ(integer({"XLEN", store::keys::destination_stream(tenant_, "crm")}), 0);
  EXPECT_EQ(integer({"HLEN", store::keys::delivery_parked(tenant_, "crm")}), 0);
  auto delivered = exec({"HGET", store::keys::delivery_state(tenant_, "crm"), "delivered"});
  ASSERT_TRUE(delivered);
  EXPECT_EQ(delivered->str, "1");
}

TEST_F(delivery_test, UnwantedEventTypesAreNotCopied) {
  fake_receiver rx(whsec_a);
  auto d = destination("contacts-only", rx.url());
  d.events = {"contact.*"};
  auto cfg = make_config({d});
  write_outbox(5, 2);
  auto pool = make_pool(cfg);
  pool->start();
  wait_for([&] { return pool->fanout_stats().entries.load() >= 5; }, 5s);
  pool->stop();
  EXPECT_EQ(pool->fanout_stats().entries.load(), 5u);
  EXPECT_EQ(pool->fanout_stats().copies.load(), 0u);
  EXPECT_EQ(rx.requests(), 0u);
}

TEST_F(delivery_test, OutageOf10000ChangesAllDeliveredOnceInOrderPerContact) {
  constexpr std::size_t n = 10000, contacts = 200;
  fake_receiver rx(whsec_a);
  rx.set_mode(fake_receiver::mode::down);
  const auto d = destination("crm", rx.url());
  auto cfg = make_config({d});
  core::simulated_time clock;
  auto pool = make_pool(cfg, &clock);
  pool->start();
  const auto* w = pool->worker("crm");
  ASSERT_NE(w, nullptr);
  const auto t0 = std::chrono::steady_clock::now();
  write_outbox(n, contacts);
  // Down for a while: the breaker opens; five times its open period passes, one probe goes out,
  // fails, and it opens again.
  ASSERT_TRUE(wait_for([&] { return w->breaker() == webhooks::breaker_state::open; }, 10s));
  ASSERT_TRUE(wait_rounds(*w, 3));  // what was in flight when it opened has landed
  for (int probe = 0; probe < 5; ++probe) {
    const auto before = rx.requests();
    clock.advance(d.breaker_open);
    ASSERT_TRUE(wait_for([&] { return rx.requests() > before && w->breaker() == webhooks::breaker_state::open; }, 10s))
        << "probe " << probe;
    ASSERT_TRUE(wait_rounds(*w, 3));
    EXPECT_EQ(rx.requests(), before + 1) << "one probe per open period";
  }
  const auto during = rx.requests();
  EXPECT_LT(during, 100u) << "the breaker must stop hammering a destination that is down";
  EXPECT_EQ(rx.unique(), 0u);
  rx.set_mode(fake_receiver::mode::up);
  clock.advance(d.breaker_open);  // the next probe succeeds: every parked head is due at once
  ASSERT_TRUE(rx.wait_unique(n, 90s)) << "delivered " << rx.unique() << " of " << n;
  pool->stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 95s);
  EXPECT_EQ(rx.unique(), n);
  EXPECT_EQ(rx.duplicates(), 0u);
  EXPECT_EQ(rx.bad_signatures(), 0u);
  expect_order_per_contact(rx);
  EXPECT_EQ(rx.per_contact().size(), contacts);
  EXPECT_EQ(integer({"XLEN", store::keys::dead_letters(tenant_, "crm")}), 0);
  EXPECT_EQ(integer({"HLEN", store::keys::delivery_parked(tenant_, "crm")}), 0);
  EXPECT_EQ(integer({"HLEN", store::keys::delivery_hold(tenant_, "crm")}), 0);
  EXPECT_EQ(integer({"ZCARD", store::keys::delivery_retry(tenant_, "crm")}), 0);
}

TEST_F(delivery_test, BreakerOpensThenHalfOpensWithOneProbe) {
  fake_receiver rx(whsec_a);
  rx.set_mode(fake_receiver::mode::down);
  auto d = destination("crm", rx.url());
  d.breaker_failures = 3;
  d.breaker_open = 400ms;
  auto cfg = make_config({d});
  write_outbox(50, 50);  // 50 contacts: nothing is held behind another, only the breaker stops them
  core::simulated_time clock;
  auto pool = make_pool(cfg, &clock);
  pool->start();
  const auto* w = pool->worker("crm");
  ASSERT_NE(w, nullptr);
  // Three failures open it; then nothing more goes out while it is open.
  ASSERT_TRUE(wait_for([&] { return w->breaker() == webhooks::breaker_state::open; }, 10s));
  EXPECT_EQ(rx.requests(), 3u);
  ASSERT_TRUE(wait_rounds(*w, 5));
  clock.advance(399ms);
  ASSERT_TRUE(wait_rounds(*w, 5));
  EXPECT_EQ(rx.requests(), 3u);
  EXPECT_TRUE(wait_for([&] { return hget_state("breaker") == "open"; }, 5s));
  // Past open_s: exactly one probe, which fails: open again, no second probe until the next period.
  clock.advance(1ms);
  ASSERT_TRUE(wait_for([&] { return rx.requests() >= 4 && w->breaker() == webhooks::breaker_state::open; }, 5s));
  ASSERT_TRUE(wait_rounds(*w, 5));
  clock.advance(399ms);
  ASSERT_TRUE(wait_rounds(*w, 5));
  EXPECT_EQ(rx.requests(), 4u);
  EXPECT_EQ(w->breaker(), webhooks::breaker_state::open);
  EXPECT_TRUE(wait_for([&] { return hget_state("breaker_opened") == "2"; }, 5s));
  rx.set_mode(fake_receiver::mode::up);
  clock.advance(1ms);
  ASSERT_TRUE(rx.wait_unique(50, 10s));
  pool->stop();
  EXPECT_EQ(pool->worker("crm")->breaker(), webhooks::breaker_state::closed);
  EXPECT_EQ(hget_state("breaker"), "closed");
  EXPECT_EQ(rx.duplicates(), 0u);
}

TEST_F(delivery_test, ParkedEntriesGoAtOnceWhenTheProbeSucceeds) {
  fake_receiver rx(whsec_a);
  rx.set_mode(fake_receiver::mode::down);
  auto d = destination("crm", rx.url());
  d.retry_schedule = {0ms, 60s, 60s};  // a backoff far longer than the test
  d.breaker_failures = 2;
  d.breaker_open = 200ms;
  auto cfg = make_config({d});
  write_outbox(10, 10);
  core::simulated_time clock;
  auto pool = make_pool(cfg, &clock);
  pool->start();
  ASSERT_TRUE(wait_for([&] { return integer({"HLEN", store::keys::delivery_parked(tenant_, "crm")}) == 2; }, 10s));
  rx.set_mode(fake_receiver::mode::up);
  clock.advance(200ms);  // the breaker's open period, not the parked heads' minute
  // The probe (the stream's head) succeeds; the two parked heads must not wait their minute.
  ASSERT_TRUE(rx.wait_unique(10, 5s)) << "delivered " << rx.unique();
  pool->stop();
  EXPECT_EQ(integer({"ZCARD", store::keys::delivery_retry(tenant_, "crm")}), 0);
}

TEST_F(delivery_test, RetryAfterIsHonoured) {
  fake_receiver rx(whsec_a);
  rx.set_mode(fake_receiver::mode::down, "1");  // 503 with Retry-After: 1 (second)
  auto cfg = make_config({destination("crm", rx.url())});
  write_outbox(1, 1);
  core::simulated_time clock;
  auto pool = make_pool(cfg, &clock);
  pool->start();
  const auto* w = pool->worker("crm");
  ASSERT_NE(w, nullptr);
  ASSERT_TRUE(wait_for([&] { return rx.requests() >= 1; }, 10s));
  // The answer handled (the entry parked for its retry) before the clock moves: the second is
  // counted from the simulated now of that moment.
  ASSERT_TRUE(wait_for([&] { return integer({"HLEN", store::keys::delivery_parked(tenant_, "crm")}) > 0; }, 10s));
  // The schedule alone would have retried every ~100 ms; Retry-After holds it for a second.
  for (int i = 0; i < 9; ++i) {
    clock.advance(100ms);
    ASSERT_TRUE(wait_rounds(*w, 2));
  }
  EXPECT_EQ(rx.requests(), 1u);
  rx.set_mode(fake_receiver::mode::up);
  clock.advance(101ms);
  ASSERT_TRUE(rx.wait_unique(1, 5s));
  pool->stop();
  EXPECT_EQ(rx.requests(), 2u);
}

TEST_F(delivery_test, RestartInTheMiddleLosesNothing) {
  constexpr std::size_t n = 600, contacts = 20;
  fake_receiver rx(whsec_a);
  auto cfg = make_config({destination("crm", rx.url())});
  write_outbox(n, contacts);
  {
    // First run: some delivered, then an outage parks heads and holds their contacts' entries.
    auto pool = make_pool(cfg);
    pool->start();
    ASSERT_TRUE(rx.wait_unique(100, 10s));
    rx.set_mode(fake_receiver::mode::down);
    ASSERT_TRUE(wait_for([&] { return integer({"HLEN", store::keys::delivery_parked(tenant_, "crm")}) > 0; }, 10s));
    pool->stop();
  }
  const auto before = rx.unique();
  EXPECT_LT(before, n);
  EXPECT_GT(integer({"HLEN", store::keys::delivery_parked(tenant_, "crm")}) +
                integer({"XLEN", store::keys::destination_stream(tenant_, "crm")}),
            0);
  rx.set_mode(fake_receiver::mode::up);
  write_outbox(100, contacts, n);  // more changes while no delivery runs
  {
    auto pool = make_pool(cfg);
    pool->start();
    ASSERT_TRUE(rx.wait_unique(n + 100, 20s)) << "delivered " << rx.unique();
    pool->stop();
  }
  EXPECT_EQ(rx.unique(), n + 100);
  expect_order_per_contact(rx);
  EXPECT_EQ(integer({"HLEN", store::keys::delivery_parked(tenant_, "crm")}), 0);
}

}  // namespace
}  // namespace lg::test
