// Metric families and their per-thread series caches; see metrics.hpp.
#include "gateway/metrics.hpp"

#include "store/stream_consumer.hpp"

#include "pipeline/assign_stage.hpp"
#include "store/keys.hpp"
#include "store/queues.hpp"

#include <prometheus/text_serializer.h>

#include <atomic>
#include <map>
#include <unordered_map>

namespace lg::gateway {
namespace {

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
  static const prometheus::Histogram::BucketBoundaries b{0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                         0.025,  0.05,  0.1,    0.25,  0.5, 1, 2.5};
  return b;
}

// The families all register alike: a name, a help text, this object's registry.
prometheus::Family<prometheus::Counter>& counter_family(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(r);
}
prometheus::Family<prometheus::Gauge>& gauge_family(prometheus::Registry& r, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(r);
}
prometheus::Family<prometheus::Histogram>& histogram_family(prometheus::Registry& r, const char* name,
                                                            const char* help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(r);
}

// Per-thread caches keyed by the owning metrics object's id (unique for the process, so a
// new object at a recycled address never sees stale series), the family and the labels.
struct series_key {
  std::uint64_t owner;  // metrics::id_, never reused
  const void* family;
  std::string a;
  unsigned b;
  bool operator==(const series_key&) const = default;
};
struct series_hash {
  std::size_t operator()(const series_key& k) const noexcept {
    return std::hash<std::uint64_t>{}(k.owner) ^ std::hash<const void*>{}(k.family) ^ (std::hash<std::string>{}(k.a) * 31u) ^ k.b;
  }
};
thread_local std::unordered_map<series_key, void*, series_hash> series_cache;

// Last seen Redis counters per worker, to turn totals into increments.
struct redis_seen {
  std::uint64_t errors = 0;
  std::uint64_t timeouts = 0;
};
thread_local std::map<std::pair<std::uint64_t, std::size_t>, redis_seen> redis_last;
std::atomic<std::uint64_t> next_id{1};

}  // namespace

metrics::metrics()
    : id_(next_id.fetch_add(1)),
      registry_(std::make_shared<prometheus::Registry>()),
      requests_(counter_family(*registry_, "leadgate_http_requests_total",
                               "HTTP requests answered, by route pattern and status")),
      durations_(histogram_family(*registry_, "leadgate_http_request_duration_seconds",
                                  "Time from a complete request to its answer, by route pattern")),
      accepted_(counter_family(*registry_, "leadgate_leads_accepted_total",
                               "Leads durably accepted, by source")),
      duplicates_(counter_family(*registry_, "leadgate_leads_duplicate_total",
                                 "Repeated submissions answered with the first lead id, by source")),
      honeypots_(counter_family(*registry_, "leadgate_honeypot_total",
                                "Form posts that filled the honeypot field, by source")),
      signature_failures_(counter_family(*registry_, "leadgate_signature_failures_total",
                                         "Webhook deliveries refused for a missing or wrong signature, by source")),
      hook_ignored_(counter_family(*registry_, "leadgate_hook_ignored_total",
                                   "Authentic webhook items with nothing to record (receipts, echoes), by source")),
      quarantined_(counter_family(*registry_, "leadgate_quarantined_total",
                                  "Authentic webhook payloads that did not parse, kept in the quarantine stream, by source")),
      poll_position_resets_(counter_family(*registry_, "leadgate_poll_position_resets_total",
                                           "Polled mailboxes whose stored position was not a number, rescanned, by source")),
      redis_errors_(counter_family(*registry_, "leadgate_redis_errors_total",
                                   "Redis error replies and timeouts").Add({})),
      redis_connected_(gauge_family(*registry_, "leadgate_redis_connected",
                                    "1 when the thread's Redis connection is up")),
      deliveries_(counter_family(*registry_, "leadgate_deliveries_total",
                                 "Delivery attempts by destination and outcome (delivered, retried, dead)")),
      delivery_attempts_(counter_family(*registry_, "leadgate_delivery_attempts_total",
                                        "Delivery attempts made by this process, by destination")),
      breaker_state_(gauge_family(*registry_, "leadgate_delivery_breaker_state",
                                  "Circuit breaker of a destination: 0 closed, 1 half-open, 2 open")),
      lease_held_(gauge_family(*registry_, "leadgate_delivery_lease_held",
                               "1 when this process holds the destination's lease (delivers it)")),
      backlog_(gauge_family(*registry_, "leadgate_delivery_backlog",
                            "Entries waiting for a destination: its stream plus those parked for a retry")),
      lag_(gauge_family(*registry_, "leadgate_delivery_lag_seconds",
                        "Age of the oldest entry waiting for a destination")),
      dead_letters_(gauge_family(*registry_, "leadgate_dead_letters",
                                 "Dead letters kept for a destination (replayable)")),
      outbox_length_(gauge_family(*registry_, "leadgate_outbox_length",
                                  "Outbox entries not yet copied to destinations (new changes are refused at the limit)")
                     .Add({})),
      fanout_entries_(counter_family(*registry_, "leadgate_outbox_fanout_entries_total",
                                     "Outbox entries copied to the destinations that want them").Add({})),
      assignments_(counter_family(*registry_, "leadgate_assignments_total",
                                  "Leads this process routed, by team, strategy and outcome (assigned, backlog, waiting)")),
      sla_reassignments_(counter_family(*registry_, "leadgate_sla_reassignments_total",
                                        "Leads re-assigned or escalated by this process's SLA sweep").Add({})),
      team_waiting_(gauge_family(*registry_, "leadgate_team_waiting",
                                 "Leads waiting in a team's backlog (no member free) or claim queue, from Redis")),
      assign_watch_(std::make_unique<assign_watch>()),
      events_processed_(counter_family(*registry_, "leadgate_events_processed_total",
                                       "Inbound events this process's workers handled, by outcome (resolved, "
                                       "duplicate, quarantined, retry)")),
      events_claimed_(counter_family(*registry_, "leadgate_events_claimed_total",
                                     "Inbound events this process took over from a worker that stopped mid-way")
                      .Add({})),
      processing_lag_(gauge_family(*registry_, "leadgate_processing_lag",
                                   "Inbound events no worker has read yet, from Redis").Add({})),
      processing_pending_(gauge_family(*registry_, "leadgate_processing_pending",
                                       "Inbound events read by a worker and not yet acknowledged, from Redis")
                          .Add({})) {}

void metrics::set_processing_source(std::function<processing_totals()> source) {
  std::lock_guard lock(totals_mu_);
  processing_source_ = std::move(source);
}

void metrics::watch_processing(std::string tenant, std::string group) {
  processing_tenant_ = std::move(tenant);
  processing_group_ = std::move(group);
}

void metrics::collect_processing() const {
  std::lock_guard lock(totals_mu_);
  if (!processing_source_) return;
  const auto t = processing_source_();
  fold_total(events_processed_.Add({{"outcome", "resolved"}}), "/process/resolved", t.resolved);
  fold_total(events_processed_.Add({{"outcome", "duplicate"}}), "/process/duplicate", t.duplicate);
  fold_total(events_processed_.Add({{"outcome", "quarantined"}}), "/process/quarantined", t.quarantined);
  fold_total(events_processed_.Add({{"outcome", "retry"}}), "/process/retry", t.retry);
  fold_total(events_claimed_, "/process/claimed", t.claimed);
}

awaitable<void> metrics::async_refresh_processing(store::redis_client& redis) {
  if (processing_group_.empty()) co_return;
  auto b = co_await store::async_group_backlog(redis, store::keys::inbound(processing_tenant_), processing_group_);
  if (!b) co_return;  // Redis failed: the last values stay
  processing_pending_.Set(static_cast<double>(b->pending));
  // Redis cannot always count the lag (entries deleted in the middle of the stream).
  if (b->lag >= 0) processing_lag_.Set(static_cast<double>(b->lag));
}

void metrics::set_delivery_source(std::function<delivery_report()> source) {
  std::lock_guard lock(totals_mu_);
  delivery_source_ = std::move(source);
}

// The pools report totals; counters only go up, so each scrape adds what is new since the
// last. Under totals_mu_.
void metrics::fold_total(prometheus::Counter& c, const std::string& key, std::uint64_t total) const {
  auto& seen = totals_seen_[key];
  if (total > seen) c.Increment(static_cast<double>(total - seen));
  seen = total;
}

void metrics::collect_delivery() const {
  std::lock_guard lock(totals_mu_);
  if (!delivery_source_) return;
  const auto report = delivery_source_();
  for (const auto& d : report.destinations) {
    const auto& id = d.destination;
    fold_total(deliveries_.Add({{"destination", id}, {"outcome", "delivered"}}), id + "/delivered", d.delivered);
    fold_total(deliveries_.Add({{"destination", id}, {"outcome", "retried"}}), id + "/retried", d.failures);
    fold_total(deliveries_.Add({{"destination", id}, {"outcome", "dead"}}), id + "/dead", d.dead);
    fold_total(delivery_attempts_.Add({{"destination", id}}), id + "/attempts", d.attempts);
    breaker_state_.Add({{"destination", id}}).Set(d.breaker);
    lease_held_.Add({{"destination", id}}).Set(d.lease_held ? 1 : 0);
    backlog_.Add({{"destination", id}}).Set(static_cast<double>(d.backlog));
    lag_.Add({{"destination", id}}).Set(d.lag_seconds);
    dead_letters_.Add({{"destination", id}}).Set(static_cast<double>(d.dead_letters));
  }
  outbox_length_.Set(static_cast<double>(report.outbox_length));
  fold_total(fanout_entries_, "/fanout", report.fanout_entries);
}

struct metrics::spool_series {
  explicit spool_series(prometheus::Registry& r)
      : records(gauge_family(r, "leadgate_spool_records", "Leads in the local spool waiting to reach Redis").Add({})),
        bytes(gauge_family(r, "leadgate_spool_bytes", "Bytes of the local spool on disk").Add({})),
        oldest(gauge_family(r, "leadgate_spool_oldest_seconds", "Age of the oldest lead waiting in the spool").Add({})),
        appended(counter_family(r, "leadgate_spool_appended_total",
                                "Leads written to the spool because Redis could not take them").Add({})),
        drained(counter_family(r, "leadgate_spool_drained_total", "Spooled leads replayed into Redis").Add({})),
        refused(counter_family(r, "leadgate_spool_refused_total",
                               "Leads the spool refused past its bounds (answered 503)").Add({})),
        write_errors(counter_family(r, "leadgate_spool_write_errors_total",
                                    "Leads the disk refused to take (answered 503)").Add({})),
        syncs(counter_family(r, "leadgate_spool_syncs_total", "fdatasync calls of the spool (group commits)").Add({})),
        torn(counter_family(r, "leadgate_spool_torn_tails_total",
                            "Half-written spool records cut off at start (never acknowledged)").Add({})) {}
  prometheus::Gauge& records;
  prometheus::Gauge& bytes;
  prometheus::Gauge& oldest;
  prometheus::Counter& appended;
  prometheus::Counter& drained;
  prometheus::Counter& refused;
  prometheus::Counter& write_errors;
  prometheus::Counter& syncs;
  prometheus::Counter& torn;
};

metrics::~metrics() = default;

void metrics::set_spool_source(std::function<spool::spool_report()> source) {
  std::lock_guard lock(totals_mu_);
  if (!spool_series_) spool_series_ = std::make_unique<spool_series>(*registry_);
  spool_source_ = std::move(source);
}

void metrics::collect_spool() const {
  std::lock_guard lock(totals_mu_);
  if (!spool_source_) return;
  const auto r = spool_source_();
  auto& s = *spool_series_;
  s.records.Set(static_cast<double>(r.records));
  s.bytes.Set(static_cast<double>(r.bytes));
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  s.oldest.Set(r.oldest_ms == 0 ? 0.0 : static_cast<double>(std::max<std::int64_t>(0, now_ms - r.oldest_ms)) / 1000.0);
  fold_total(s.appended, "spool/appended", r.appended);
  fold_total(s.drained, "spool/drained", r.drained);
  fold_total(s.refused, "spool/refused", r.refused);
  fold_total(s.write_errors, "spool/write_errors", r.write_errors);
  fold_total(s.syncs, "spool/syncs", r.syncs);
  fold_total(s.torn, "spool/torn", r.torn_tails);
}

void metrics::observe_request(std::string_view route, unsigned status, double seconds) {
  series_key ck{id_, &requests_, std::string(route), status};
  auto it = series_cache.find(ck);
  if (it == series_cache.end()) {
    auto& c = requests_.Add({{"route", std::string(route)}, {"status", std::to_string(status)}});
    it = series_cache.emplace(std::move(ck), &c).first;
  }
  static_cast<prometheus::Counter*>(it->second)->Increment();

  series_key hk{id_, &durations_, std::string(route), 0};
  auto hit = series_cache.find(hk);
  if (hit == series_cache.end()) {
    auto& h = durations_.Add({{"route", std::string(route)}}, latency_buckets());
    hit = series_cache.emplace(std::move(hk), &h).first;
  }
  static_cast<prometheus::Histogram*>(hit->second)->Observe(seconds);
}

prometheus::Counter& metrics::source_counter(prometheus::Family<prometheus::Counter>& family,
                                             std::string_view source) {
  series_key k{id_, &family, std::string(source), 0};
  auto it = series_cache.find(k);
  if (it == series_cache.end()) {
    auto& c = family.Add({{"source", std::string(source)}});
    it = series_cache.emplace(std::move(k), &c).first;
  }
  return *static_cast<prometheus::Counter*>(it->second);
}

void metrics::lead_accepted(std::string_view source) { source_counter(accepted_, source).Increment(); }
void metrics::lead_duplicate(std::string_view source) { source_counter(duplicates_, source).Increment(); }
void metrics::honeypot(std::string_view source) { source_counter(honeypots_, source).Increment(); }
void metrics::signature_failure(std::string_view source) { source_counter(signature_failures_, source).Increment(); }
void metrics::hook_ignored(std::string_view source, std::size_t count) {
  if (count > 0) source_counter(hook_ignored_, source).Increment(static_cast<double>(count));
}
void metrics::quarantined(std::string_view source) { source_counter(quarantined_, source).Increment(); }
void metrics::poll_position_reset(std::string_view source) { source_counter(poll_position_resets_, source).Increment(); }

pollers::poll_observer metrics::poll_observer() {
  pollers::poll_observer o;
  o.accepted = [this](std::string_view s) { lead_accepted(s); };
  o.duplicate = [this](std::string_view s) { lead_duplicate(s); };
  o.quarantined = [this](std::string_view s) { quarantined(s); };
  o.position_reset = [this](std::string_view s) { poll_position_reset(s); };
  return o;
}

void metrics::sync_redis(std::size_t worker_index, const store::redis_client& client) {
  const auto& s = client.stats();
  auto& seen = redis_last[{id_, worker_index}];
  const std::uint64_t errs = s.errors + s.timeouts;
  const std::uint64_t before = seen.errors + seen.timeouts;
  if (errs > before) redis_errors_.Increment(static_cast<double>(errs - before));
  seen.errors = s.errors;
  seen.timeouts = s.timeouts;
  redis_connected_.Add({{"thread", std::to_string(worker_index)}}).Set(client.connected() ? 1.0 : 0.0);
}

void metrics::watch_assignments(std::shared_ptr<const pipeline::assign_stage> stage) {
  std::lock_guard lock(assign_watch_->mutex);
  assign_watch_->stage = std::move(stage);
}

void metrics::watch_queues(store::assign_options opts, std::string time_zone) {
  std::lock_guard lock(assign_watch_->mutex);
  assign_watch_->queues.emplace(std::move(opts), std::move(time_zone));
}

awaitable<void> metrics::async_refresh_assignments(store::redis_client& redis) {
  auto& w = *assign_watch_;
  std::shared_ptr<const pipeline::assign_stage> stage;
  std::optional<std::pair<store::assign_options, std::string>> queues;
  {
    std::lock_guard lock(w.mutex);
    stage = w.stage;
    queues = w.queues;
  }
  if (stage) {
    const auto counts = stage->assignment_counts();
    const std::uint64_t reassigned = stage->stats().reassigned.load();
    // Totals become increments: several scrapes may run at once, each adds what is new.
    std::lock_guard lock(w.mutex);
    for (const auto& c : counts) {
      auto& seen = w.seen[{c.team, c.strategy, c.outcome}];
      if (c.count > seen) {
        assignments_.Add({{"team", c.team}, {"strategy", c.strategy}, {"outcome", c.outcome}})
            .Increment(static_cast<double>(c.count - seen));
        seen = c.count;
      }
    }
    if (reassigned > w.reassigned_seen) {
      sla_reassignments_.Increment(static_cast<double>(reassigned - w.reassigned_seen));
      w.reassigned_seen = reassigned;
    }
  }
  if (!queues) co_return;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  const store::clock_point now = pipeline::make_clock_point(ms, queues->second);
  auto view = co_await store::async_queues(redis, queues->first, now);
  if (!view) co_return;  // Redis errors are counted by sync_redis; the gauges keep their last value
  for (const auto& t : view->teams) {
    team_waiting_.Add({{"team", t.id}, {"queue", "backlog"}}).Set(static_cast<double>(t.backlog));
    team_waiting_.Add({{"team", t.id}, {"queue", "claim"}}).Set(static_cast<double>(t.claim_waiting));
  }
}

std::string metrics::serialize() const {
  collect_delivery();
  collect_processing();
  collect_spool();
  prometheus::TextSerializer serializer;
  return serializer.Serialize(registry_->Collect());
}

}  // namespace lg::gateway
