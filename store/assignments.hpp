// The assignment repository: team/member state in Redis and every change of a lead's owner in
// one store/lua/assign.lua call (assign with sticky owner / round robin / weighted round robin /
// least-loaded / capacity + backlog / claim mode, release, accept, claim, the SLA sweep).
//
// Each call that gives a lead to a member writes, atomically: the assignment record, the
// member's open set (its load), the contact's owner and team ('o', 't' of the contact hash, see
// store/contacts.hpp), a timeline entry, the team queue stream lg:{t}:q:<team> and the outbox
// lg:{t}:outbox for the sync side. A second assign of one event id answers the first decision.
//
// The store knows nothing of rules or time zones: the caller passes the strategy, the team and
// the tenant-local time (store::clock_point); routing/ and pipeline/assign_stage.hpp do that.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace lg::store {

struct member_record {
  std::string id;
  std::string name;
  std::string crm_user_id;
  int weight = 1;
  int capacity = 0;  // 0: unlimited
  bool active = true;
  // Working hours: "" = always; else 7 days Monday first, ';'-separated, each a comma list of
  // "from-to" minutes since local midnight (to < from crosses midnight). routing::encode_hours.
  std::string hours;
};

struct team_record {
  std::string id;
  std::string fallback_team;
  std::vector<member_record> members;  // the order round robin follows
};

// Now, as the scripts need it: the instant and the tenant-local minute and weekday.
struct clock_point {
  std::int64_t epoch_ms = 0;
  int minute_of_day = 0;
  int iso_weekday = 1;  // 1 = Monday
};

struct assign_options {
  std::string tenant = "default";
  std::size_t queue_max_length = 100000;    // MAXLEN ~ of each team queue stream
  std::size_t outbox_max_length = 1000000;  // outbox entries not yet copied by the fan-out; past it: OUTBOX_FULL
  std::size_t timeline_cap = 200;           // entries per contact, as resolve_options
  std::chrono::seconds closed_ttl{std::chrono::hours(24 * 30)};  // closed assignment records
  std::size_t sweep_batch = 100;            // overdue leads per sweep call
};

// Strategy codes the script understands.
enum class assign_strategy { round_robin, weighted_round_robin, least_loaded, claim };
std::string_view strategy_code(assign_strategy s) noexcept;  // rr, wrr, ll, claim

struct assign_request {
  std::string event_id;
  std::string lead_id;
  std::string contact_id;  // empty: no contact to update
  std::string team;
  assign_strategy strategy = assign_strategy::round_robin;
  bool sticky_owner = true;  // a returning contact's owner gets it while available
  int sla_minutes = 0;       // 0: no SLA
  std::string priority = "normal";
  std::string rule;          // the matching rule's name, for the timeline
};

// What became of a lead.
struct assignment {
  std::string state;  // assigned | accepted | backlog (waits for capacity) | waiting (claim) | closed | missed
  std::string team;
  std::string member;       // empty while waiting
  std::string crm_user_id;
  bool duplicate = false;   // this event was assigned before: the first decision, no effect now
  bool sticky = false;      // given to the returning contact's owner
  std::int64_t due_ms = 0;  // SLA due time; 0: none
  std::string event_id;
  std::string lead_id;
};

struct sweep_result {
  int reassigned = 0;
  int escalated = 0;
  int missed = 0;   // overdue, nobody else to take it: left with its member, marked missed
  int drained = 0;  // backlog leads assigned because capacity or duty freed
};

// Pure: the EVALSHA arguments of one operation (unit-tested without Redis).
struct assign_call {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};
assign_call make_assign_call(const assign_options& opts, std::string_view op, const clock_point& now,
                             const std::string& payload_json);

// Parses one assignment reply (exposed for tests).
std::expected<assignment, core::error> parse_assignment(const redis_reply& r);

// Writes a team and its members (config seed or admin edit). overwrite=false keeps a team that
// is already in Redis (admins may have changed it since the config was written). Runtime state
// (open leads, WRR weights, round robin cursor) is kept either way. Returns true when written.
awaitable<std::expected<bool, core::error>> async_seed_team(redis_client& redis, const assign_options& opts,
                                                            const team_record& team, bool overwrite);

awaitable<std::expected<assignment, core::error>> async_assign(redis_client& redis, const assign_options& opts,
                                                               const assign_request& req, const clock_point& now);

// Closes a lead (won, lost, handed back): its member's capacity frees and the team's backlog
// drains oldest-first into it. Returns the assignments the drain made; not_found for an
// unknown event; closing twice has no second effect. A non-empty `owner` closes the lead only
// while it is that member's (else forbidden), in the same atomic step. (By value: a defaulted
// reference parameter of a coroutine would dangle once the call expression ends.)
awaitable<std::expected<std::vector<assignment>, core::error>> async_release(
    redis_client& redis, const assign_options& opts, const std::string& event_id, const std::string& reason,
    const clock_point& now, std::string owner = {});

// The member accepts the lead: its SLA clock stops. not_found (unknown event), forbidden (the
// lead is another member's), conflict (not in an acceptable state).
awaitable<std::expected<void, core::error>> async_accept(redis_client& redis, const assign_options& opts,
                                                         const std::string& event_id, const std::string& member,
                                                         const clock_point& now);

// Claim mode: the member pulls the oldest waiting lead of the team. nullopt when nothing waits;
// not_found for an unknown member; conflict when the member is away, off duty or full.
awaitable<std::expected<std::optional<assignment>, core::error>> async_claim(
    redis_client& redis, const assign_options& opts, const std::string& team, const std::string& member,
    const clock_point& now);

// Re-assigns leads past their SLA (next member not yet tried, else the fallback team once, else
// marked missed) and drains every team's backlog. Run on a timer; any process may run it.
awaitable<std::expected<sweep_result, core::error>> async_sweep(redis_client& redis, const assign_options& opts,
                                                                const clock_point& now);

// Sets a member active or away; becoming active drains the team's backlog.
awaitable<std::expected<std::vector<assignment>, core::error>> async_set_member_state(
    redis_client& redis, const assign_options& opts, const std::string& team, const std::string& member,
    bool active, const clock_point& now);

// Removes a team and its members (admin delete) when none of its leads waits or is open:
// conflict (naming how many) otherwise. Removing an unknown team succeeds.
awaitable<std::expected<void, core::error>> async_drop_team(redis_client& redis, const assign_options& opts,
                                                            const std::string& team);

// The members of a team that could take a lead at `now` (active, on duty, below capacity).
awaitable<std::expected<std::vector<std::string>, core::error>> async_available_members(
    redis_client& redis, const assign_options& opts, const std::string& team, const clock_point& now);

}  // namespace lg::store
