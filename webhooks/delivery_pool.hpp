// The delivery role of `leadgate serve`: one thread with its own io_context running the
// outbox fan-out (its own Redis connection: XREADGROUP BLOCK) and one destination_worker per
// enabled destination (sharing a second connection; each with its own connector and HTTP
// pool, so one destination that is down never slows another). Built from config; stop() is
// bounded, and what was in flight stays in Redis for the next start.
//
// Several processes may run it against one Redis: each destination, and the fan-out, works
// only while this process holds its lease (store/lease.hpp, lg:{t}:lease:dst:<d> and
// lg:{t}:lease:fanout, TTL processing.delivery_lease_ms). So one process delivers a given
// destination at a time — its order per contact and no double delivery hold — and when that
// process dies another takes over once the lease runs out. Destinations spread over the
// processes as their leases fall.
#pragma once

#include "config/config.hpp"
#include "runtime/service_thread.hpp"
#include "webhooks/delivery_sampler.hpp"
#include "webhooks/delivery_report.hpp"
#include "store/assignments.hpp"
#include "store/lease.hpp"
#include "store/redis_client.hpp"
#include "webhooks/delivery.hpp"
#include "webhooks/outbox_fanout.hpp"

#include <chrono>
#include <functional>
#include <memory>
#include <vector>

namespace lg::webhooks {

struct delivery_pool_options {
  std::chrono::milliseconds idle_poll{50};
  std::string lease_token;  // empty: store::lease_token() (unique per process start)
  std::string extra_ca_file;  // trusted besides the system store (tests, private CAs)
  // The tenant's local time of an instant, for connectors that pull reassignments back
  // (gateway wiring: pipeline::make_clock_point in the config's time zone).
  std::function<store::clock_point(std::int64_t epoch_ms)> local_time;
  // "Now" for retry times, breakers, dead letters and lag (tests: a simulated clock they move).
  const core::time_source* clock = &core::real_time();
};

class delivery_pool {
 public:
  // Throws config::config_error ("destinations[i].…: reason") for a destination that cannot be
  // built (a secret that does not decode). Destinations with enabled=false are skipped.
  delivery_pool(const config::config& cfg, store::redis_options redis, delivery_pool_options opts = {});
  ~delivery_pool();
  delivery_pool(const delivery_pool&) = delete;
  delivery_pool& operator=(const delivery_pool&) = delete;

  void start();
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  std::size_t destinations() const noexcept { return workers_.size(); }
  // The worker of destination `id`, or null (tests, metrics).
  const webhooks::destination_worker* worker(std::string_view id) const;
  const webhooks::fanout_stats& fanout_stats() const { return fanout_->stats(); }
  std::size_t pullers() const noexcept { return pullers_.size(); }
  const puller& puller_at(std::size_t i) const { return *pullers_.at(i); }
  // Whether this process holds the lease of destination `id` ("" : the fan-out's).
  bool holds(std::string_view id) const;
  // What /metrics shows (gateway metrics); safe from any thread.
  delivery_report report() const;

 private:
  awaitable<void> shutdown();

  runtime::service_thread service_{"delivery"};
  std::shared_ptr<store::redis_client> fan_redis_, work_redis_;
  std::shared_ptr<webhooks::outbox_fanout> fanout_;
  std::vector<std::shared_ptr<webhooks::destination_worker>> workers_;
  std::vector<std::shared_ptr<puller>> pullers_;  // two_way destinations
  std::shared_ptr<store::lease> fanout_lease_;
  std::vector<std::shared_ptr<store::lease>> leases_;  // leases_[i] is workers_[i]'s
  std::shared_ptr<delivery_sampler> sampler_;            // sampler_->at(i) is workers_[i]'s
  const core::time_source* clock_ = &core::real_time();
  bool started_ = false;
};

}  // namespace lg::webhooks
