// See delivery_pool.hpp.
#include "webhooks/delivery_pool.hpp"

#include "store/keys.hpp"
#include "webhooks/connector_registry.hpp"

#include "logging/logging.hpp"

namespace lg::webhooks {

delivery_pool::delivery_pool(const config::config& cfg, store::redis_options redis, delivery_pool_options opts) {
  auto fan_redis = redis;
  fan_redis_ = store::redis_client::create(service_.context(), std::move(fan_redis));
  work_redis_ = store::redis_client::create(service_.context(), std::move(redis));

  webhooks::fanout_options fo;
  fo.tenant = cfg.tenant;
  // The BLOCK wait must end before the command timeout, or every idle wait is an "error".
  fo.block = std::min(std::chrono::milliseconds(500), cfg.redis.command_timeout / 2);
  const auto token = opts.lease_token.empty() ? store::lease_token() : opts.lease_token;
  auto make_lease = [&](const std::string& name) {
    store::lease_options lo;
    lo.key = store::keys::lease(cfg.tenant, name);
    lo.token = token;
    lo.ttl = cfg.processing.delivery_lease;
    lo.margin = std::max(lo.ttl / 10, std::chrono::milliseconds(200));
    return store::lease::create(work_redis_, std::move(lo));
  };
  fanout_lease_ = make_lease("fanout");
  connector_context context;
  context.executor = service_.context().get_executor();
  context.redis = work_redis_;
  context.tenant = cfg.tenant;
  context.extra_ca_file = opts.extra_ca_file;
  context.local_time = opts.local_time;
  fo.may_run = [l = fanout_lease_] { return l->held(); };
  fo.clock = opts.clock;
  clock_ = opts.clock;
  for (std::size_t i = 0; i < cfg.destinations.size(); ++i) {
    const auto& d = cfg.destinations[i];
    if (!d.enabled) continue;
    const auto path = "destinations[" + std::to_string(i) + "]";
    const auto* factory = find_connector_factory(d.type);
    if (factory == nullptr) throw config::config_error(path + ".type: no connector for '" + d.type + "'");
    auto parts = factory->make(d, context);
    if (!parts) throw config::config_error(path + "." + parts.error().field + ": " + parts.error().message);
    auto conn = std::move(parts->push);
    auto pull = std::move(parts->pull);
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
    o.clock = opts.clock;
    o.concurrency = cfg.processing.delivery_lanes;
    leases_.push_back(make_lease("dst:" + d.id));
    o.may_run = [l = leases_.back()] { return l->held(); };
    // A two-way destination's pull runs under the same lease as its push: one process pulls.
    if (pull) {
      pull->set_may_run([l = leases_.back()] { return l->held(); });
      pullers_.push_back(std::move(pull));
    }
    workers_.push_back(webhooks::destination_worker::create(work_redis_, std::move(conn), std::move(o)));
    fo.routes.push_back(webhooks::fanout_route{d.id, d.events, d.max_backlog, d.max_dead});
  }
  fanout_ = webhooks::outbox_fanout::create(fan_redis_, std::move(fo));
  std::vector<std::string> ids;
  for (const auto& w : workers_) ids.push_back(w->id());
  sampler_ = delivery_sampler::create(work_redis_, cfg.tenant, std::move(ids));
}

delivery_pool::~delivery_pool() { stop(); }

delivery_report delivery_pool::report() const {
  delivery_report r;
  const auto now_ms = clock_->now_ms();
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    const auto& w = *workers_[i];
    const auto& st = w.stats();
    const auto& s = sampler_->at(i);
    delivery_figures f;
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
  service_.start();
}

awaitable<void> delivery_pool::shutdown() {
  fanout_->stop();
  sampler_->stop();
  for (auto& w : workers_) w->stop();
  for (auto& p : pullers_) p->stop();
  co_await fanout_->async_ended();
  co_await sampler_->async_ended();
  for (auto& w : workers_) co_await w->async_ended();
  for (auto& p : pullers_) co_await p->async_ended();
  // Leases go only now, when nothing of ours works under them any more; a lease left behind
  // (a stop that ran out of time) runs out by its TTL.
  fanout_lease_->stop();
  for (auto& l : leases_) l->stop();
  co_await fanout_lease_->async_ended();
  for (auto& l : leases_) co_await l->async_ended();
  fan_redis_->stop();
  work_redis_->stop();
}

void delivery_pool::stop(std::chrono::milliseconds grace) {
  if (!started_) return;
  started_ = false;
  service_.stop(grace, [this] { return shutdown(); });
}

}  // namespace lg::webhooks
