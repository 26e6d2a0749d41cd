// See delivery_pool.hpp.
#include "gateway/delivery_pool.hpp"

#include "store/keys.hpp"
#include "gateway/assign_stage.hpp"  // make_clock_point
#include "webhooks/sugarcrm/sugarcrm_destination.hpp"
#include "webhooks/webhook_connector.hpp"

#include <spdlog/spdlog.h>

namespace lg::gateway {

delivery_pool::delivery_pool(const config::config& cfg, store::redis_options redis, delivery_pool_options opts) {
  auto fan_redis = redis;
  fan_redis_ = store::redis_client::create(ioc_, std::move(fan_redis));
  work_redis_ = store::redis_client::create(ioc_, std::move(redis));

  webhooks::fanout_options fo;
  fo.tenant = cfg.tenant;
  // The BLOCK wait must end before the command timeout, or every idle wait is an "error".
  fo.block = std::min(std::chrono::milliseconds(500), cfg.redis.command_timeout / 2);
  fo.log = [](std::string_view m) { spdlog::warn("{}", m); };
  const auto token = opts.lease_token.empty() ? store::lease_token() : opts.lease_token;
  auto make_lease = [&](const std::string& name) {
    store::lease_options lo;
    lo.key = store::keys::lease(cfg.tenant, name);
    lo.token = token;
    lo.ttl = cfg.processing.delivery_lease;
    lo.margin = std::max(lo.ttl / 10, std::chrono::milliseconds(200));
    lo.log = [](std::string_view m) { spdlog::info("delivery: {}", m); };
    return store::lease::create(work_redis_, std::move(lo));
  };
  fanout_lease_ = make_lease("fanout");
  fo.may_run = [l = fanout_lease_] { return l->held(); };
  for (std::size_t i = 0; i < cfg.destinations.size(); ++i) {
    const auto& d = cfg.destinations[i];
    if (!d.enabled) continue;
    const auto path = "destinations[" + std::to_string(i) + "]";
    std::unique_ptr<webhooks::connector> conn;
    std::shared_ptr<webhooks::sugarcrm::poller> pull;
    if (d.type == "webhook") {
      webhooks::webhook_connector_options wo;
      wo.url = d.url;
      wo.secrets = d.secrets;
      wo.timeout = d.timeout;
      wo.http.extra_ca_file = opts.extra_ca_file;
      auto c = webhooks::webhook_connector::create(ioc_.get_executor(), std::move(wo));
      if (!c) throw config::config_error(path + "." + c.error().field + ": " + c.error().message);
      conn = std::move(*c);
    } else if (d.type == "sugarcrm") {
      webhooks::sugarcrm::options so;
      so.tenant = cfg.tenant;
      so.destination = d.id;
      so.base_url = d.url;
      so.two_way = d.direction == "two_way";
      so.timeout = d.timeout;
      so.http.extra_ca_file = opts.extra_ca_file;
      if (const auto it = d.credentials.find("password"); it != d.credentials.end()) so.password = it->second;
      if (const auto it = d.credentials.find("client_secret"); it != d.credentials.end()) so.client_secret = it->second;
      auto read = webhooks::sugarcrm::read_options(d.options, std::move(so));
      if (!read) throw config::config_error(path + "." + read.error().field + ": " + read.error().message);
      auto parts = webhooks::sugarcrm::make_destination(
          ioc_.get_executor(), work_redis_, std::move(*read),
          [zone = cfg.time_zone](std::int64_t ms) { return make_clock_point(ms, zone); },
          [](std::string_view m) { spdlog::warn("{}", m); });
      conn = std::move(parts.push);
      pull = std::move(parts.pull);
    } else {
      throw config::config_error(path + ".type: no connector for '" + d.type + "'");
    }
    webhooks::destination_options o;
    o.tenant = cfg.tenant;
    o.id = d.id;
    if (!d.retry_schedule.empty()) o.retry.delays = d.retry_schedule;
    o.retry.jitter = d.retry_jitter;
    o.breaker.failures = d.breaker_failures;
    o.breaker.open_for = d.breaker_open;
    o.rate_limit_per_s = d.rate_limit_per_s;
    o.max_dead = d.max_dead;
    o.idle_poll = opts.idle_poll;
    o.concurrency = cfg.processing.delivery_lanes;
    leases_.push_back(make_lease("dst:" + d.id));
    o.may_run = [l = leases_.back()] { return l->held(); };
    // A two-way destination's pull runs under the same lease as its push: one process pulls.
    if (pull) {
      pull->set_may_run([l = leases_.back()] { return l->held(); });
      pullers_.push_back(std::move(pull));
    }
    o.log = [](std::string_view m) { spdlog::warn("{}", m); };
    workers_.push_back(webhooks::destination_worker::create(work_redis_, std::move(conn), std::move(o)));
    fo.routes.push_back(webhooks::fanout_route{d.id, d.events, d.max_backlog, d.max_dead});
  }
  fanout_ = webhooks::outbox_fanout::create(fan_redis_, std::move(fo));
  std::vector<std::string> ids;
  for (const auto& w : workers_) ids.push_back(w->id());
  sampler_ = delivery_sampler::create(work_redis_, cfg.tenant, std::move(ids));
}

delivery_pool::~delivery_pool() { stop(); }

metrics::delivery_report delivery_pool::report() const {
  metrics::delivery_report r;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    const auto& w = *workers_[i];
    const auto& st = w.stats();
    const auto& s = sampler_->at(i);
    metrics::delivery_figures f;
    f.destination = w.id();
    f.attempts = st.attempts;
    f.delivered = st.delivered;
    f.failures = st.failures;
    f.dead = st.dead;
    f.redis_errors = st.redis_errors;
    const auto b = w.breaker();
    f.breaker = b == webhooks::breaker_state::open ? 2 : b == webhooks::breaker_state::half_open ? 1 : 0;
    f.lease_held = leases_[i]->held();
    f.backlog = s.stream + s.parked;
    f.dead_letters = s.dead;
    const long long oldest = s.oldest_ms;
    f.lag_seconds = oldest > 0 ? static_cast<double>(std::max<long long>(0, now_ms - oldest)) / 1000.0 : 0.0;
    r.destinations.push_back(std::move(f));
  }
  r.outbox_length = sampler_->outbox_length();
  r.fanout_entries = fanout_->stats().entries;
  return r;
}

bool delivery_pool::holds(std::string_view id) const {
  if (id.empty()) return fanout_lease_->held();
  for (std::size_t i = 0; i < workers_.size(); ++i)
    if (workers_[i]->id() == id) return leases_[i]->held();
  return false;
}

const webhooks::destination_worker* delivery_pool::worker(std::string_view id) const {
  for (const auto& w : workers_)
    if (w->id() == id) return w.get();
  return nullptr;
}

void delivery_pool::start() {
  if (started_) return;
  started_ = true;
  fan_redis_->start();
  work_redis_->start();
  // The fan-out runs even with no destination: entries nobody wants are acknowledged and
  // trimmed, so the outbox (whose writers refuse new entries when it is full) never fills.
  fanout_lease_->start();
  fanout_->start();
  for (auto& l : leases_) l->start();
  for (auto& w : workers_) w->start();
  for (auto& p : pullers_) p->start();
  sampler_->start();
  thread_ = std::thread([this] {
    try {
      ioc_.run();
    } catch (const std::exception& e) {
      spdlog::error("delivery thread ended: {}", e.what());
    }
  });
}

void delivery_pool::stop(std::chrono::milliseconds grace) {
  if (!started_) return;
  started_ = false;
  asio::post(ioc_, [this] {
    fanout_->stop();
    sampler_->stop();
    for (auto& w : workers_) w->stop();
    for (auto& p : pullers_) p->stop();
  });
  const auto deadline = std::chrono::steady_clock::now() + grace;
  auto busy = [this] {
    if (fanout_->running() || sampler_->running()) return true;
    for (const auto& w : workers_)
      if (w->running()) return true;
    for (const auto& p : pullers_)
      if (p->running()) return true;
    return false;
  };
  while (busy() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (busy()) spdlog::warn("delivery did not stop in time; what is in flight is retried at the next start");
  // Leases are released only now, when nothing of ours works under them any more; a lease
  // left behind (stop timed out) runs out by its TTL.
  if (!busy()) {
    asio::post(ioc_, [this] {
      fanout_lease_->stop();
      for (auto& l : leases_) l->stop();
    });
    auto leasing = [this] {
      if (fanout_lease_->running()) return true;
      for (const auto& l : leases_)
        if (l->running()) return true;
      return false;
    };
    const auto release_by = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (leasing() && std::chrono::steady_clock::now() < release_by)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  asio::post(ioc_, [this] {
    fan_redis_->stop();
    work_redis_->stop();
  });
  asio::post(ioc_, [this] { ioc_.stop(); });
  if (thread_.joinable()) thread_.join();
}

}  // namespace lg::gateway
