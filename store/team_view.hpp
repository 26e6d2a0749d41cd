// Read-only views of teams and assignments for the admin API (rule dry-run, rule validation,
// claim): a team's members as assign.lua sees them, the team ids, an assignment's contact.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace lg::store {

struct member_snapshot {
  std::string id;
  std::string crm;
  int weight = 1;
  int capacity = 0;
  std::string state;
  long long load = 0;            // open leads
  long long current_weight = 0;  // smooth weighted round robin state
  std::size_t index = 0;         // 1-based position in the team, as assign.lua counts
};

struct team_snapshot {
  long long rr = 0;  // the round-robin cursor
  std::vector<member_snapshot> members;
};

// nullopt when the team has no members in the store.
awaitable<std::expected<std::optional<team_snapshot>, core::error>> async_team_snapshot(redis_client& redis,
                                                                                       std::string tenant,
                                                                                       std::string team);

// Every team id in the store.
awaitable<std::expected<std::vector<std::string>, core::error>> async_team_ids(redis_client& redis, std::string tenant);

// The contact of the lead whose assignment record is `event_id`; "" when unknown.
awaitable<std::expected<std::string, core::error>> async_assignment_contact(redis_client& redis, std::string tenant,
                                                                           std::string event_id);

// How many open leads a member holds now (its load).
awaitable<std::expected<long long, core::error>> async_member_load(redis_client& redis, std::string tenant,
                                                                  std::string team, std::string member);

// Whether Redis answers (PING).
awaitable<bool> async_ping(redis_client& redis);

}  // namespace lg::store
