// Keeps every gateway process on the current rule set. The admin API writes a new version to
// the rule store (store/rule_store.hpp), which publishes it on lg:{t}:rules:changed; the watcher
// of each process is subscribed on a dedicated connection, and also polls the version every
// poll_interval in case a notice was missed (pub/sub does not queue for a disconnected
// subscriber). On a new version it parses the set and hands it to the process's live_rules (the
// admin dry-run) and assign_stage (real assignments).
//
// The watcher runs on its own service thread with two connections of its own (one subscribed,
// one for reads); stop() ends it on a signal, bounded.
#pragma once

#include "config/config.hpp"
#include "core/asio.hpp"
#include "core/error.hpp"
#include "pipeline/assign_stage.hpp"
#include "routing/rules.hpp"
#include "routing/teams.hpp"
#include "store/redis_client.hpp"
#include "runtime/loop.hpp"
#include "runtime/service_thread.hpp"
#include "store/rule_store.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace lg::pipeline {

// The rule set this process applies now, and its version (0: the config's, never stored).
class live_rules {
 public:
  struct snapshot {
    std::int64_t version = 0;
    std::shared_ptr<const routing::rule_set> rules;
  };
  live_rules() = default;
  live_rules(std::int64_t version, routing::rule_set rules);

  snapshot get() const;
  void set(std::int64_t version, std::shared_ptr<const routing::rule_set> rules);

 private:
  mutable std::mutex mutex_;
  snapshot current_;
};

// Writes the config's rules (as version 1, author "config") and team definitions into Redis
// when they were never written; admins' later edits are kept. Also seeds the assignment
// engine's copy of those teams (without overwriting). Safe to run from many processes at once.
awaitable<std::expected<void, core::error>> async_seed_routing(store::redis_client& redis,
                                                               const config::config& cfg);

// What the routing store holds, for a process that starts.
struct routing_state {
  std::int64_t version = 0;
  routing::rule_set rules;
  std::vector<routing::team> teams;
};

// Startup, blocking and bounded by `limit`: seeds (async_seed_routing) and reads the current
// rules and teams. An error when Redis did not answer in time or holds a set that no longer
// parses; the caller then starts from the config and the watcher catches up.
std::expected<routing_state, std::string> load_routing(const store::redis_options& redis, const config::config& cfg,
                                                       std::chrono::milliseconds limit);

// Parses a stored rule set (JSON text).
std::expected<routing::rule_set, std::vector<std::string>> parse_stored_rules(std::string_view text);

// Parses the stored team definitions (id -> JSON) into teams, skipping (and naming) bad ones.
std::vector<routing::team> parse_team_defs(const std::map<std::string, std::string>& defs,
                                           std::vector<std::string>* problems = nullptr);

struct rules_watcher_options {
  std::string tenant = "default";
  std::chrono::milliseconds poll_interval{1000};  // fallback poll of the version
};

class rules_watcher {
 public:
  // `stage` may be null (a process without workers).
  rules_watcher(store::redis_options redis, rules_watcher_options opts, std::shared_ptr<live_rules> live,
                std::shared_ptr<assign_stage> stage);
  ~rules_watcher();
  rules_watcher(const rules_watcher&) = delete;
  rules_watcher& operator=(const rules_watcher&) = delete;

  void start();
  void stop();

  // Versions applied since start (tests and logs).
  std::uint64_t applied() const noexcept { return applied_; }
  // Subscribed to the change channel and caught up with the stored version: from now on a
  // published change is applied within one wait step.
  bool subscribed() const noexcept { return subscribed_; }

 private:
  awaitable<void> run();
  // Reads the version; applies a newer set. False when Redis did not answer.
  awaitable<bool> refresh();

  store::redis_options redis_;
  rules_watcher_options opts_;
  std::shared_ptr<live_rules> live_;
  std::shared_ptr<assign_stage> stage_;
  runtime::service_thread service_{"rules watcher"};
  std::shared_ptr<store::redis_client> sub_, cmd_;
  runtime::loop loop_{service_.context().get_executor()};  // a change notice wakes its pause
  bool check_ = true;             // a notice came (or the subscription was made again): read now
  bool listening_ = false;        // the subscription is confirmed
  std::atomic<std::uint64_t> applied_{0};
  std::atomic<bool> subscribed_{false};
};

}  // namespace lg::pipeline
