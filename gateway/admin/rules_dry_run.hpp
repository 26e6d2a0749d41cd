// POST /admin/v1/rules/test: the dry-run of a sample lead through the rules, with no side
// effects. Answers the full trace of routing::decide() (every rule, every condition and why it
// held or not), the action, and the member the assignment engine would pick at this moment,
// computed read-only from the team's state in Redis (see docs/api.md).
#pragma once

#include "config/config.hpp"
#include "gateway/router.hpp"
#include "pipeline/rules_watcher.hpp"

#include <memory>

namespace lg::gateway {

// Auth is the caller's. `live` may be null: the stored current set is used.
awaitable<response> rules_dry_run(const config::config& cfg, const std::shared_ptr<pipeline::live_rules>& live,
                                  request_context& ctx);

}  // namespace lg::gateway
