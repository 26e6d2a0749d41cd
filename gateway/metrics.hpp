// The gateway's Prometheus metrics (prometheus-cpp core: Registry + TextSerializer).
// Series are cached per thread after their first use, so the request path does one
// thread-local hash lookup instead of prometheus-cpp's locked family lookup.
#pragma once

#include "core/asio.hpp"
#include "pipeline/assign_stage.hpp"
#include "pipeline/worker_pool.hpp"
#include "pollers/imap_poller.hpp"
#include "spool/spool.hpp"
#include "store/assignments.hpp"
#include "webhooks/delivery_report.hpp"
#include "store/redis_client.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <string_view>
#include <vector>

namespace lg::gateway {

class metrics {
 public:
  metrics();
  ~metrics();

  // One finished HTTP exchange: leadgate_http_requests_total{route,status} and
  // leadgate_http_request_duration_seconds{route}.
  void observe_request(std::string_view route, unsigned status, double seconds);
  void lead_accepted(std::string_view source);
  void lead_duplicate(std::string_view source);
  void honeypot(std::string_view source);
  // Webhook deliveries (/v1/hooks/…): a missing or wrong signature (leadgate_signature_failures_total),
  // authentic items with nothing to record (leadgate_hook_ignored_total), authentic payloads
  // kept in the quarantine stream (leadgate_quarantined_total); all by source.
  void signature_failure(std::string_view source);
  void hook_ignored(std::string_view source, std::size_t count);
  void quarantined(std::string_view source);
  // Polled mailboxes: a stored position that was not a number, reset to a rescan
  // (leadgate_poll_position_resets_total{source}).
  void poll_position_reset(std::string_view source);
  // What the pollers report, counted as the webhooks' (accepted, duplicate, quarantined).
  pollers::poll_observer poll_observer();

  // Folds one worker's Redis client counters into leadgate_redis_errors_total and sets
  // leadgate_redis_connected{thread}. Call from that worker's thread only.
  void sync_redis(std::size_t worker_index, const store::redis_client& client);

  // Delivery (webhooks/delivery_pool.hpp), as the pool reports it at each scrape: totals of
  // this process since it started, and what the last sample of Redis found.
  using delivery_figures = webhooks::delivery_figures;
  using delivery_report = webhooks::delivery_report;
  // Called at each scrape (from an HTTP thread): leadgate_deliveries_total{destination,outcome}
  // (delivered, retried, dead), leadgate_delivery_attempts_total, leadgate_delivery_breaker_state
  // (0 closed, 1 half-open, 2 open), leadgate_delivery_lease_held, leadgate_delivery_backlog,
  // leadgate_delivery_lag_seconds, leadgate_dead_letters, leadgate_outbox_length,
  // leadgate_outbox_fanout_entries_total.
  void set_delivery_source(std::function<delivery_report()> source);
  // Routing and assignment, brought up to date by async_refresh_assignments (the /metrics
  // route calls it before serialize): leadgate_assignments_total{team,strategy,outcome} and
  // leadgate_sla_reassignments_total from this process's stage (watch_assignments), and
  // leadgate_team_waiting{team,queue="backlog|claim"} read from Redis (watch_queues).
  void watch_assignments(std::shared_ptr<const pipeline::assign_stage> stage);
  void watch_queues(store::assign_options opts, std::string time_zone);
  awaitable<void> async_refresh_assignments(store::redis_client& redis);

  // Processing (pipeline/worker_pool.hpp): totals of this process's workers since it started,
  // folded in at each scrape as leadgate_events_processed_total{outcome}: resolved, duplicate
  // (a redelivery, no second effect), quarantined, retry (left pending: Redis error, routing
  // failure, provider fetch to try again); and leadgate_events_claimed_total (taken over from
  // a dead worker).
  using processing_totals = pipeline::processing_totals;
  void set_processing_source(std::function<processing_totals()> source);
  // The processing group on lg:{t}:in, read from Redis by async_refresh_processing (the
  // /metrics route calls it before serialize): leadgate_processing_lag, entries no worker has
  // read yet, and leadgate_processing_pending, entries read and not yet acknowledged. Together
  // they say whether resolution keeps up with what comes in.
  void watch_processing(std::string tenant, std::string group);
  awaitable<void> async_refresh_processing(store::redis_client& redis);

  // The local spool (spool/spool.hpp), read at each scrape: leadgate_spool_records, _bytes and
  // _oldest_seconds (what waits to reach Redis), and the totals leadgate_spool_appended_total,
  // _drained_total, _refused_total (past a bound: answered 503), _write_errors_total,
  // _syncs_total (appended / syncs: leads per group commit) and _torn_tails_total (cut at start).
  void set_spool_source(std::function<spool::spool_report()> source);

  // The text exposition format.
  std::string serialize() const;

 private:
  prometheus::Counter& source_counter(prometheus::Family<prometheus::Counter>& family, std::string_view source);

  std::uint64_t id_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
  prometheus::Family<prometheus::Counter>& accepted_;
  prometheus::Family<prometheus::Counter>& duplicates_;
  prometheus::Family<prometheus::Counter>& honeypots_;
  prometheus::Family<prometheus::Counter>& signature_failures_;
  prometheus::Family<prometheus::Counter>& hook_ignored_;
  prometheus::Family<prometheus::Counter>& quarantined_;
  prometheus::Family<prometheus::Counter>& poll_position_resets_;
  prometheus::Counter& redis_errors_;
  prometheus::Family<prometheus::Gauge>& redis_connected_;

  void collect_delivery() const;
  void collect_spool() const;
  struct spool_series;
  std::function<spool::spool_report()> spool_source_;  // under totals_mu_
  std::unique_ptr<spool_series> spool_series_;
  void fold_total(prometheus::Counter& c, const std::string& key, std::uint64_t total) const;
  std::function<delivery_report()> delivery_source_;
  // Guards the delivery and processing sources and the totals folded in from them.
  mutable std::mutex totals_mu_;
  mutable std::map<std::string, std::uint64_t> totals_seen_;  // series key -> total folded in
  prometheus::Family<prometheus::Counter>& deliveries_;
  prometheus::Family<prometheus::Counter>& delivery_attempts_;
  prometheus::Family<prometheus::Gauge>& breaker_state_;
  prometheus::Family<prometheus::Gauge>& lease_held_;
  prometheus::Family<prometheus::Gauge>& backlog_;
  prometheus::Family<prometheus::Gauge>& lag_;
  prometheus::Family<prometheus::Gauge>& dead_letters_;
  prometheus::Gauge& outbox_length_;
  prometheus::Counter& fanout_entries_;
  prometheus::Family<prometheus::Counter>& assignments_;
  prometheus::Counter& sla_reassignments_;
  prometheus::Family<prometheus::Gauge>& team_waiting_;
  struct assign_watch {
    std::mutex mutex;
    std::shared_ptr<const pipeline::assign_stage> stage;
    std::optional<std::pair<store::assign_options, std::string>> queues;  // options, time zone
    std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> seen;
    std::uint64_t reassigned_seen = 0;
  };
  std::unique_ptr<assign_watch> assign_watch_;

  void collect_processing() const;
  std::function<processing_totals()> processing_source_;  // under totals_mu_
  std::string processing_tenant_, processing_group_;     // set before serving
  prometheus::Family<prometheus::Counter>& events_processed_;
  prometheus::Counter& events_claimed_;
  prometheus::Gauge& processing_lag_;
  prometheus::Gauge& processing_pending_;
};

}  // namespace lg::gateway
