// The assign stage, behind the resolve stage: for each resolved event, routing::decide() picks
// the rule (team, strategy, SLA) and store::async_assign gives the lead to a member in one Lua
// call. Also seeds the configured teams into Redis and runs the SLA sweep on a timer.
//
// Rules decide by the event's own time (a redelivery decides the same); who is on duty is
// judged at assignment time, in the tenant's zone, since that is when someone must call.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "core/time_source.hpp"
#include "pipeline/resolve_stage.hpp"
#include "runtime/loop.hpp"
#include "routing/matcher.hpp"
#include "routing/rules.hpp"
#include "routing/teams.hpp"
#include "store/assignments.hpp"
#include "store/redis_client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace lg::pipeline {

struct assign_stage_options {
  std::string time_zone = "Asia/Ho_Chi_Minh";
  store::assign_options store;  // tenant, stream bounds, timeline cap, sweep batch
  std::chrono::milliseconds sweep_interval{5000};
};

struct assign_stage_stats {
  std::atomic<std::uint64_t> assigned{0};
  std::atomic<std::uint64_t> waiting{0};     // backlog or claim queue
  std::atomic<std::uint64_t> duplicates{0};  // redelivered: the first decision stood
  std::atomic<std::uint64_t> errors{0};
  std::atomic<std::uint64_t> sweeps{0};
  std::atomic<std::uint64_t> reassigned{0};  // by the SLA sweep (re-assigned or escalated)
};

// One series of leadgate_assignments_total: leads this stage routed (redeliveries not counted).
struct assignment_count {
  std::string team;
  std::string strategy;  // round_robin, weighted_round_robin, least_loaded, claim
  std::string outcome;   // the assignment's state: assigned, backlog, waiting
  std::uint64_t count = 0;
};

// The hook type of resolve_stage_options::route.
using assign_route_fn = std::function<awaitable<std::expected<void, core::error>>(const processed_event&)>;

// Pure conversions (exposed for tests).
store::team_record to_team_record(const routing::team& t);
store::assign_strategy to_assign_strategy(routing::strategy s) noexcept;
store::assign_request make_assign_request(const processed_event& pe, const routing::decision& d);
// The instant and the tenant-local minute/weekday of epoch milliseconds.
store::clock_point make_clock_point(std::int64_t epoch_ms, const std::string& time_zone);

class assign_stage : public std::enable_shared_from_this<assign_stage> {
 public:
  // `clock`: what "now" is (tests: a simulated clock); it must outlive the stage.
  static std::shared_ptr<assign_stage> create(routing::rule_set rules, std::vector<routing::team> teams,
                                              assign_stage_options opts,
                                              const core::time_source& clock = core::real_time());

  // The worker's route hook, running its Lua calls on `redis` (the worker's own client).
  assign_route_fn route(std::shared_ptr<store::redis_client> redis);

  // decide() + assign for one event.
  awaitable<std::expected<store::assignment, core::error>> async_route(store::redis_client& redis,
                                                                       const processed_event& pe);

  // Writes the configured teams to Redis; overwrite=false keeps teams already there.
  awaitable<std::expected<void, core::error>> async_seed(store::redis_client& redis, bool overwrite);

  // Runs the SLA sweep every sweep_interval on redis's io_context until stopped.
  void start_sweeper(std::shared_ptr<store::redis_client> redis);
  // On the sweeper's io_context: ends the sweep loop and returns once it has ended.
  awaitable<void> async_stop_sweeper();

  // Replaces the rules (a published rule change).
  void set_rules(routing::rule_set rules);
  std::shared_ptr<const routing::rule_set> rules() const;

  // By team, strategy and outcome; bounded by teams x strategies x states.
  std::vector<assignment_count> assignment_counts() const;

  store::clock_point now() const;
  const assign_stage_stats& stats() const noexcept { return stats_; }
  const assign_stage_options& options() const noexcept { return opts_; }

 private:
  assign_stage(routing::rule_set rules, std::vector<routing::team> teams, assign_stage_options opts,
               const core::time_source& clock);
  awaitable<void> sweep_loop(std::shared_ptr<store::redis_client> redis);

  mutable std::mutex mutex_;
  std::shared_ptr<const routing::rule_set> rules_;
  std::map<std::tuple<std::string, std::string, std::string>, std::uint64_t> counts_;
  std::vector<routing::team> teams_;
  assign_stage_options opts_;
  const core::time_source& clock_;
  assign_stage_stats stats_;
  std::unique_ptr<runtime::loop> sweeper_;  // on the io_context of the client it was started with
};

}  // namespace lg::pipeline
