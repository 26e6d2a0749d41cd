// The admin-edited routing in Redis: the rule set, versioned (current + a bounded history, each
// version with its author and time), the team definitions as the admin API shows them, and the
// audit stream of who changed what. Every rule write is one store/lua/rules_put.lua call that
// compare-and-sets the version, keeps the history, appends the audit entry and publishes the new
// version on lg:{t}:rules:changed, so every gateway process picks it up (pipeline/rules_watcher).
//
// The store does not validate: callers parse with routing::parse_rules / parse_teams first.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lg::store {

struct rule_store_options {
  std::string tenant = "default";
  std::size_t history_versions = 100;  // versions kept in lg:{t}:rules:hist
  std::size_t audit_max_length = 10000;  // XADD MAXLEN ~ of lg:{t}:audit
};

struct rule_version {
  std::int64_t version = 0;
  std::string json;  // the rule set as stored (empty in history listings without bodies)
  std::string author;
  std::int64_t at_ms = 0;
};

struct audit_entry {
  std::string id;  // stream id
  std::int64_t at_ms = 0;
  std::string actor;
  std::string action;  // rules.put, rules.rollback, rules.seed, team.put, team.delete, member.put, ...
  std::string target;  // "rules" or "team:<id>"
  std::string version;  // the rule version written ("" for team changes)
  std::string detail;   // JSON: the diff (bounded by the writer)
};

// The pure EVALSHA arguments of a rules write (exposed for tests).
struct rules_put_call {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};
rules_put_call make_rules_put_call(const rule_store_options& opts, std::int64_t expected_version,
                                   const std::string& rules_json, const std::string& author, std::int64_t now_ms,
                                   const std::string& action, const std::string& detail_json);

// The current version, or nullopt when the store was never seeded.
awaitable<std::expected<std::optional<rule_version>, core::error>> async_current_rules(redis_client& redis,
                                                                                       const rule_store_options& opts);
// The current version alone (the watcher's cheap poll); 0 when nothing is stored.
awaitable<std::expected<std::int64_t, core::error>> async_rules_version(redis_client& redis,
                                                                       const rule_store_options& opts);

struct put_outcome {
  bool conflict = false;      // the current version was not `expected_version`
  std::int64_t version = 0;   // the new version, or the current one on conflict
};

// Writes a new version when the current one is `expected_version` (0: none yet).
awaitable<std::expected<put_outcome, core::error>> async_put_rules(redis_client& redis, const rule_store_options& opts,
                                                                  std::int64_t expected_version,
                                                                  const std::string& rules_json,
                                                                  const std::string& author, std::int64_t now_ms,
                                                                  const std::string& action,
                                                                  const std::string& detail_json);

// One stored version (nullopt when older than the history keeps, or never written).
awaitable<std::expected<std::optional<rule_version>, core::error>> async_rules_version(
    redis_client& redis, const rule_store_options& opts, std::int64_t version);

// The newest `limit` versions, newest first, without their bodies.
awaitable<std::expected<std::vector<rule_version>, core::error>> async_rules_history(
    redis_client& redis, const rule_store_options& opts, std::size_t limit);

// Team definitions: id -> JSON. Empty when never seeded.
awaitable<std::expected<std::map<std::string, std::string>, core::error>> async_team_defs(
    redis_client& redis, const rule_store_options& opts);
// Whether the definitions were ever seeded (an admin may delete every team: still seeded).
awaitable<std::expected<bool, core::error>> async_team_defs_seeded(redis_client& redis,
                                                                  const rule_store_options& opts);
// Seeding from the config, safe from several processes at once: writes one team's definition
// (with a "team.seed" audit entry) unless the definitions are marked seeded or the team is
// there; then async_mark_team_defs_seeded once every team is written. True when written.
awaitable<std::expected<bool, core::error>> async_seed_team_def(redis_client& redis, const rule_store_options& opts,
                                                               const std::string& team, const std::string& json,
                                                               std::int64_t now_ms);
awaitable<std::expected<void, core::error>> async_mark_team_defs_seeded(redis_client& redis,
                                                                       const rule_store_options& opts);

// Sets (json non-empty) or deletes (json empty) one team definition with its audit entry.
// Returns false for a delete of an unknown team.
awaitable<std::expected<bool, core::error>> async_write_team_def(redis_client& redis, const rule_store_options& opts,
                                                                const std::string& team, const std::string& json,
                                                                const std::string& actor, std::int64_t now_ms,
                                                                const std::string& action,
                                                                const std::string& detail_json);

// The newest `limit` audit entries, newest first.
awaitable<std::expected<std::vector<audit_entry>, core::error>> async_audit_entries(
    redis_client& redis, const rule_store_options& opts, std::size_t limit);

}  // namespace lg::store
