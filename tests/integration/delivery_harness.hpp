// Shared setup of the delivery integration tests: a unique tenant on the test Redis, outbox
// entries written the way assign.lua writes them, destinations pointing at fake receivers, and
// a delivery_pool started and stopped by the test.
#pragma once

#include "config/config.hpp"
#include "core/time_source.hpp"
#include "pipeline/assign_stage.hpp"
#include "webhooks/delivery_pool.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "support/fake_receiver.hpp"
#include "support/test_server.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lg::test {

// 32 bytes each: "0123456789abcdef0123456789abcdef" and "abcdefghijklmnopqrstuvwxyz012345".
inline const std::string whsec_a = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
inline const std::string whsec_b = "whsec_YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU=";

class delivery_test : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = redis_url();
    ASSERT_FALSE(url_.empty()) << "LG_TEST_REDIS_URL is not set";
    tenant_ = fresh_tenant("dlv");
    auto o = store::redis_options::from_url(url_);
    ASSERT_TRUE(o.has_value());
    o->command_timeout = std::chrono::milliseconds(2000);
    redis_opts_ = *o;
    redis_ = store::redis_client::create(ioc_, redis_opts_);
    redis_->start();
    wait_connected(*redis_, &ioc_);
    ASSERT_TRUE(exec({"PING"}).has_value());
  }

  void TearDown() override {
    if (!redis_) return;
    auto keys = exec({"KEYS", store::keys::prefix(tenant_) + "*"});
    if (keys && keys->is_array()) {
      for (const auto& k : keys->elements) exec({"DEL", k.str});
    }
    redis_->stop();
  }

  // One command, run to completion on the test's own connection (bounded).
  std::optional<store::redis_reply> exec(std::vector<std::string> cmd) {
    std::optional<store::redis_reply> out;
    run_bounded(
        ioc_,
        [&]() -> awaitable<void> {
          auto r = co_await redis_->async_exec(std::move(cmd));
          if (r && !r->is_error()) out = *r;
        },
        std::chrono::seconds(10));
    return out;
  }

  // Appends `n` outbox entries round-robin over `contacts` contacts, as assign.lua writes them;
  // entry i has event "e<i>" (zero-padded) for contact "c<i % contacts>". Returns the ids.
  // `at_ms` > 0: the entries carry that time in their ids ("<at_ms>-<i+1>"), as if written then.
  std::vector<std::string> write_outbox(std::size_t n, std::size_t contacts, std::size_t first = 0,
                                        std::int64_t at_ms = 0) {
    std::vector<std::string> ids;
    run_bounded(
        ioc_,
        [&]() -> awaitable<void> {
          for (std::size_t i = first; i < first + n; ++i) {
            char ev[16];
            std::snprintf(ev, sizeof ev, "e%06zu", i);
            const std::string id = at_ms > 0 ? std::to_string(at_ms) + "-" + std::to_string(i + 1) : "*";
            std::vector<std::string> cmd{"XADD", store::keys::outbox(tenant_), id, "kind", "assign", "event", ev,
                                         "lead_id", std::string("L") + ev, "contact_id",
                                         "c" + std::to_string(i % contacts), "assigned_user_id", "crm-user-7",
                                         "team_id", "hn-1", "member_id", "m1"};
            auto r = co_await redis_->async_exec(std::move(cmd));
            if (r && !r->is_error()) ids.push_back(r->str);
          }
        },
        std::chrono::seconds(60));
    return ids;
  }

  // A destination with a fast retry schedule (tests must not wait minutes).
  config::destination_config destination(const std::string& id, const std::string& url) const {
    config::destination_config d;
    d.id = id;
    d.url = url;
    d.secrets = {whsec_b, whsec_a};  // rotation: the receiver knows only one of them
    d.events = {"lead.assigned"};
    d.timeout = std::chrono::milliseconds(2000);
    d.retry_schedule = std::vector<std::chrono::milliseconds>(40, std::chrono::milliseconds(100));
    d.retry_schedule[0] = std::chrono::milliseconds(0);
    d.retry_jitter = 0.2;
    d.breaker_failures = 5;
    d.breaker_open = std::chrono::milliseconds(200);
    return d;
  }

  config::config make_config(std::vector<config::destination_config> dests) const {
    config::config c;
    c.tenant = tenant_;
    c.redis.url = url_;
    c.redis.command_timeout = std::chrono::milliseconds(2000);
    c.destinations = std::move(dests);
    c.processing.delivery_lease = std::chrono::milliseconds(1000);  // takeovers within the test's patience
    return c;
  }

  // `clock`: the pool's "now" (retry times, breaker, lag); null: the system clock.
  std::unique_ptr<webhooks::delivery_pool> make_pool(const config::config& cfg,
                                                     const core::time_source* clock = nullptr) const {
    webhooks::delivery_pool_options o;
    o.idle_poll = std::chrono::milliseconds(10);
    if (clock != nullptr) o.clock = clock;
    o.local_time = [zone = cfg.time_zone](std::int64_t ms) { return pipeline::make_clock_point(ms, zone); };
    return std::make_unique<webhooks::delivery_pool>(cfg, redis_opts_, o);
  }

  // Every contact's events arrived in the order they were written.
  static void expect_order_per_contact(const fake_receiver& r) {
    for (const auto& [contact, events] : r.per_contact()) {
      for (std::size_t i = 1; i < events.size(); ++i)
        ASSERT_LT(events[i - 1], events[i]) << "contact " << contact << " out of order at " << i;
    }
  }

  // Polls `pred` every 5 ms until it holds or `limit` passes; returns its last value.
  template <class Pred>
  static bool wait_for(Pred pred, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
  }

  // Waits until the worker has looked for work `n` more times: what it would have done in that
  // time, it has done (the way to see that nothing happens, without sleeping).
  static bool wait_rounds(const webhooks::destination_worker& w, std::uint64_t n,
                          std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto target = w.stats().rounds.load() + n;
    return wait_for([&] { return w.stats().rounds.load() >= target; }, limit);
  }

  // A field of the destination's state hash ("" when absent).
  std::string hget_state(const std::string& field, const std::string& destination = "crm") {
    auto r = exec({"HGET", store::keys::delivery_state(tenant_, destination), field});
    return r ? r->str : std::string();
  }

  long long integer(std::vector<std::string> cmd) {
    auto r = exec(std::move(cmd));
    return r ? r->integer : -1;
  }

  asio::io_context ioc_;
  std::string url_, tenant_;
  store::redis_options redis_opts_;
  std::shared_ptr<store::redis_client> redis_;
};

}  // namespace lg::test
