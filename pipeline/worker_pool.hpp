// The processing role of `leadgate serve`: N resolve stages, each on its own thread with its
// own io_context and Redis connection (XREADGROUP BLOCK holds a connection while it waits).
// stop() lets each worker finish the batch in hand, then closes the connections and joins;
// an entry cut short by a crash stays pending and is claimed later (XAUTOCLAIM).
//
// With an assign_stage, every worker routes and assigns each resolved lead before its XACK,
// the configured teams are seeded into Redis at start (definitions updated, open leads and
// round-robin positions kept), and the first worker's connection runs the SLA sweep timer.
#pragma once

#include "pipeline/assign_stage.hpp"
#include "pipeline/enrich_stage.hpp"
#include "pipeline/resolve_stage.hpp"
#include "runtime/service_thread.hpp"
#include "store/redis_client.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

namespace lg::pipeline {

// What the workers of a process did since it started, summed (leadgate_events_processed_total
// and leadgate_events_claimed_total in gateway/metrics.hpp).
struct processing_totals {
  std::uint64_t resolved = 0, duplicate = 0, quarantined = 0, retry = 0, claimed = 0;
};

class worker_pool {
 public:
  // `opts.consumer` is ignored: each worker gets "<hostname>:<pid>:<n>".
  // `stage` may be null: leads keep the team resolution gave them (no assignment).
  // `enrich` may be null or empty: events marked needs_fetch resolve as accepted.
  worker_pool(store::redis_options redis, resolve_stage_options opts, unsigned workers,
              std::shared_ptr<assign_stage> stage = nullptr,
              std::shared_ptr<const provider_apis::api_settings> enrich = nullptr);
  ~worker_pool();
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  // Seeds the teams first (bounded; on failure the workers retry their assignments later).
  void start();
  // Bounded: waits at most `grace` for the workers to end their batches.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  std::size_t size() const noexcept { return slots_.size(); }
  // What the workers did since start, summed, for /metrics.
  processing_totals totals() const noexcept;

 private:
  struct slot {
    runtime::service_thread service{"resolve stage"};
    std::shared_ptr<store::redis_client> client;
    std::unique_ptr<pipeline::enrich_stage> enricher;  // its HTTP clients live on the service's io_context
    std::shared_ptr<resolve_stage> worker;
  };
  store::redis_options redis_;
  resolve_stage_options opts_;
  std::shared_ptr<assign_stage> stage_;
  std::shared_ptr<const provider_apis::api_settings> enrich_;
  std::vector<std::unique_ptr<slot>> slots_;
  bool started_ = false;
};

}  // namespace lg::pipeline
