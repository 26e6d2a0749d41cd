// The read side of the assignment store for agents and admins: a lead's assignment record found
// by its lead id (the id agents and the CRM know; records are kept by event id), and the queues
// view (per team: backlog and claim queue depth and oldest entry, queue stream length, per
// member load, capacity, state and duty). Writes stay in store/assignments.hpp.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/assignments.hpp"
#include "store/redis_client.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::store {

// The fields of lg:{t}:asg:<event id> a caller acts on.
struct lead_record {
  std::string event_id;
  std::string lead_id;
  std::string contact_id;
  std::string team;
  std::string member;  // empty while waiting
  std::string state;   // assigned | accepted | backlog | waiting | closed | missed
  std::int64_t due_ms = 0;
  std::int64_t first_seen_ms = 0;
};

// The record of `lead_id` (through lg:{t}:ld:<lead id>); nullopt when there is none.
awaitable<std::expected<std::optional<lead_record>, core::error>> async_find_lead(redis_client& redis,
                                                                                 const assign_options& opts,
                                                                                 std::string_view lead_id);

struct member_queue {
  std::string id;
  std::string name;
  std::string crm_user_id;
  int weight = 1;
  int capacity = 0;  // 0: unlimited
  std::string state;  // active | away
  bool on_duty = false;     // inside working hours now
  bool available = false;   // active, on duty and below capacity: the next lead may be theirs
  std::int64_t open = 0;    // open leads (the load)
};

struct team_queue {
  std::string id;
  std::string fallback_team;
  std::int64_t backlog = 0;           // waiting for capacity or duty
  std::int64_t claim_waiting = 0;     // claim mode: waiting to be pulled
  std::int64_t oldest_waiting_ms = -1;  // first seen of the oldest of both; -1 when none waits
  std::int64_t stream_length = 0;     // lg:{t}:q:<team>
  std::size_t members_total = 0;
  std::vector<member_queue> members;  // at most queues_limits::max_members
};

struct queues_view {
  std::size_t teams_total = 0;
  std::vector<team_queue> teams;  // by id, at most queues_limits::max_teams
};

struct queues_limits {
  std::size_t max_teams = 200;
  std::size_t max_members = 200;
};

awaitable<std::expected<queues_view, core::error>> async_queues(redis_client& redis, const assign_options& opts,
                                                                const clock_point& now,
                                                                const queues_limits& limits = {});

// Pure (exposed for tests): the view from the script's JSON, duty judged at `now`.
std::expected<queues_view, core::error> parse_queues(std::string_view json, const clock_point& now);

// Pure: whether encoded working hours (member_record::hours, the form assign.lua reads) include
// `now`. Mirrors assign.lua's on_duty: [from, to) minutes, to < from crossing midnight into the
// next day; "" = always.
bool encoded_on_duty(std::string_view hours, const clock_point& now) noexcept;

}  // namespace lg::store
