// What the routing admin routes (admin_rules_routes.cpp, admin_teams_routes.cpp,
// rules_dry_run.cpp) share: JSON answers, the 400 that lists every validation problem, the
// bounded audit diff, and the answer to a failed store call.
#pragma once

#include "config/config.hpp"
#include "core/asio.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "gateway/admin/auth.hpp"
#include "gateway/response.hpp"
#include "store/assignments.hpp"
#include "store/redis_client.hpp"
#include "store/rule_store.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lg::pipeline {
class live_rules;
}  // namespace lg::pipeline

namespace lg::gateway {
using pipeline::live_rules;  // pipeline/rules_watcher.hpp
}

namespace lg::gateway::admin_edit {

// An audit diff larger than this is replaced by its size (both versions stay in the history).
inline constexpr std::size_t max_diff_bytes = 16 * 1024;

// 200 with `body`, no caching (admin answers change with every edit).
response ok_json(http::status status, const nlohmann::json& body);

// 400 {"error":{"code":"invalid_field","message":<every problem joined>,"field":<the first
// problem's path>},"problems":[…]}: problems are "path: reason" lines.
response problems_response(const std::vector<std::string>& problems);

// A store call that failed: 503 with Retry-After when Redis was unavailable or slow, else the
// error's own status.
response store_failure(const core::error& err);

// The audit detail of an edit: `extra` plus "diff", a JSON Patch (RFC 6902) from `before` to
// `after`, or "diff_operations"/"diff_truncated" when the patch exceeds max_diff_bytes.
std::string audit_detail(const nlohmann::json& before, const nlohmann::json& after,
                         nlohmann::json extra = nlohmann::json::object());

// What the rules and teams routes share; lives as long as the router (config outlives both).
struct routing_env {
  routing_env(const config::config& c, std::shared_ptr<const admin_auth> a, std::shared_ptr<live_rules> l);
  const config::config& cfg;
  std::shared_ptr<const admin_auth> auth;
  std::shared_ptr<live_rules> live;  // null: the dry-run reads the stored set
  store::rule_store_options store;
  store::assign_options assign;
  std::atomic<bool> seeded{false};
};

// Seeds the routing store from the config once per process (async_seed_routing), so the first
// admin request of a fresh tenant sees the config's rules and teams.
awaitable<std::expected<void, core::error>> async_ensure_seeded(routing_env& env, store::redis_client& redis);

// ?limit=N of a listing: `def` when absent, 1..max else invalid_field; other query errors as
// parse_query answers them.
std::expected<std::size_t, core::error> page_limit(std::string_view query, std::size_t def, std::size_t max);

// Milliseconds since the epoch, now.
std::int64_t now_ms();

// RFC 3339 with milliseconds (UTC) of epoch milliseconds.
std::string rfc3339(std::int64_t ms);

}  // namespace lg::gateway::admin_edit
