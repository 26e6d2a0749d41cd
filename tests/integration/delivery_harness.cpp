// The delivery integration tests' fixture of delivery_harness.hpp.
#include "delivery_harness.hpp"

#include <cstdio>

namespace lg::test {

void delivery_test::SetUp() {
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

void delivery_test::TearDown() {
  if (!redis_) return;
  auto keys = exec({"KEYS", store::keys::prefix(tenant_) + "*"});
  if (keys && keys->is_array()) {
    for (const auto& k : keys->elements) exec({"DEL", k.str});
  }
  redis_->stop();
}

std::optional<store::redis_reply> delivery_test::exec(std::vector<std::string> cmd) {
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

std::vector<std::string> delivery_test::write_outbox(std::size_t n, std::size_t contacts, std::size_t first,
                                                     std::int64_t at_ms) {
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

config::destination_config delivery_test::destination(const std::string& id, const std::string& url) const {
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

config::config delivery_test::make_config(std::vector<config::destination_config> dests) const {
  config::config c;
  c.tenant = tenant_;
  c.redis.url = url_;
  c.redis.command_timeout = std::chrono::milliseconds(2000);
  c.destinations = std::move(dests);
  c.processing.delivery_lease = std::chrono::milliseconds(1000);  // takeovers within the test's patience
  return c;
}

std::unique_ptr<webhooks::delivery_pool> delivery_test::make_pool(const config::config& cfg,
                                                                  const core::time_source* clock) const {
  webhooks::delivery_pool_options o;
  o.idle_poll = std::chrono::milliseconds(10);
  if (clock != nullptr) o.clock = clock;
  o.local_time = [zone = cfg.time_zone](std::int64_t ms) { return pipeline::make_clock_point(ms, zone); };
  return std::make_unique<webhooks::delivery_pool>(cfg, redis_opts_, o);
}

void delivery_test::expect_order_per_contact(const fake_receiver& r) {
  for (const auto& [contact, events] : r.per_contact()) {
    for (std::size_t i = 1; i < events.size(); ++i)
      ASSERT_LT(events[i - 1], events[i]) << "contact " << contact << " out of order at " << i;
  }
}

bool delivery_test::wait_rounds(const webhooks::destination_worker& w, std::uint64_t n,
                                std::chrono::milliseconds limit) {
  const auto target = w.stats().rounds.load() + n;
  return wait_for([&] { return w.stats().rounds.load() >= target; }, limit);
}

std::string delivery_test::hget_state(const std::string& field, const std::string& destination) {
  auto r = exec({"HGET", store::keys::delivery_state(tenant_, destination), field});
  return r ? r->str : std::string();
}

long long delivery_test::integer(std::vector<std::string> cmd) {
  auto r = exec(std::move(cmd));
  return r ? r->integer : -1;
}

}  // namespace lg::test
