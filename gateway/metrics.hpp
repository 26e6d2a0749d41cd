// The gateway's Prometheus metrics (prometheus-cpp core: Registry + TextSerializer).
// Series are cached per thread after their first use, so the request path does one
// thread-local hash lookup instead of prometheus-cpp's locked family lookup.
#pragma once

#include "store/redis_client.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>
#include <string_view>

namespace lg::gateway {

class metrics {
 public:
  metrics();

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

  // Folds one worker's Redis client counters into leadgate_redis_errors_total and sets
  // leadgate_redis_connected{thread}. Call from that worker's thread only.
  void sync_redis(std::size_t worker_index, const store::redis_client& client);

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
  prometheus::Counter& redis_errors_;
  prometheus::Family<prometheus::Gauge>& redis_connected_;
};

}  // namespace lg::gateway
