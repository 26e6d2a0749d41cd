// The assignment repository: one assign.lua call per operation.
#include "store/assignments.hpp"
#include "core/json_text.hpp"

#include "assign.hpp"
#include "store/keys.hpp"
#include "store/lua_script.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace lg::store {
namespace {

using nlohmann::json;

const lua_script& assign_script() {
  static const lua_script script{lua::assign};
  return script;
}


core::error bad_reply(std::string_view what) {
  return core::make_error(core::errc::internal, "assign: unexpected reply to " + std::string(what));
}

std::string str_of(const redis_reply& r) {
  if (auto s = r.as_string()) return *s;
  if (r.type == redis_reply::kind::integer) return std::to_string(r.integer);
  return {};
}

std::int64_t int_of(const redis_reply& r) {
  if (auto v = r.as_integer()) return *v;
  return 0;
}

awaitable<std::expected<redis_reply, core::error>> run(redis_client& redis, const assign_options& opts,
                                                       std::string_view op, const clock_point& now,
                                                       const json& payload) {
  auto call = make_assign_call(opts, op, now, core::json_text(payload));
  auto r = co_await assign_script().async_run(redis, std::move(call.keys), std::move(call.args));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) {
    // A full outbox is back-pressure (delivery is behind), not a fault: retried later.
    const auto code = r->str.starts_with("OUTBOX_FULL") ? core::errc::unavailable : core::errc::internal;
    co_return std::unexpected(core::make_error(code, "assign." + std::string(op) + ": " + r->str));
  }
  co_return std::move(*r);
}

std::expected<std::vector<assignment>, core::error> parse_list(const redis_reply& r) {
  std::vector<assignment> out;
  if (!r.is_array()) return std::unexpected(bad_reply("drain"));
  for (const auto& e : r.elements) {
    auto a = parse_assignment(e);
    if (!a) return std::unexpected(a.error());
    out.push_back(std::move(*a));
  }
  return out;
}

}  // namespace

std::string_view strategy_code(assign_strategy s) noexcept {
  switch (s) {
    case assign_strategy::round_robin: return "rr";
    case assign_strategy::weighted_round_robin: return "wrr";
    case assign_strategy::least_loaded: return "ll";
    case assign_strategy::claim: return "claim";
  }
  return "rr";
}

assign_call make_assign_call(const assign_options& opts, std::string_view op, const clock_point& now,
                             const std::string& payload_json) {
  assign_call c;
  c.keys.push_back(keys::teams(opts.tenant));
  c.args = {keys::prefix(opts.tenant),
            std::string(op),
            std::to_string(now.epoch_ms),
            std::to_string(now.minute_of_day),
            std::to_string(now.iso_weekday),
            std::to_string(opts.queue_max_length),
            std::to_string(opts.outbox_max_length),
            std::to_string(opts.timeline_cap),
            std::to_string(opts.closed_ttl.count()),
            payload_json};
  return c;
}

std::expected<assignment, core::error> parse_assignment(const redis_reply& r) {
  if (!r.is_array() || r.elements.size() < 9) return std::unexpected(bad_reply("assign"));
  const auto& e = r.elements;
  assignment a;
  a.state = str_of(e[0]);
  a.team = str_of(e[1]);
  a.member = str_of(e[2]);
  a.crm_user_id = str_of(e[3]);
  a.duplicate = int_of(e[4]) != 0;
  a.sticky = int_of(e[5]) != 0;
  a.due_ms = int_of(e[6]);
  a.event_id = str_of(e[7]);
  a.lead_id = str_of(e[8]);
  if (a.state.empty()) return std::unexpected(bad_reply("assign"));
  return a;
}

awaitable<std::expected<bool, core::error>> async_seed_team(redis_client& redis, const assign_options& opts,
                                                            const team_record& team, bool overwrite) {
  json members = json::array();
  for (const auto& m : team.members) {
    members.push_back({{"id", m.id}, {"n", m.name}, {"crm", m.crm_user_id}, {"w", m.weight},
                       {"cap", m.capacity}, {"st", m.active ? "active" : "away"}, {"h", m.hours}});
  }
  json p{{"team", team.id}, {"fb", team.fallback_team}, {"overwrite", overwrite ? 1 : 0}, {"members", members}};
  clock_point none;
  auto r = co_await run(redis, opts, "seed", none, p);
  if (!r) co_return std::unexpected(r.error());
  co_return str_of(*r) == "seeded";
}

awaitable<std::expected<assignment, core::error>> async_assign(redis_client& redis, const assign_options& opts,
                                                               const assign_request& req, const clock_point& now) {
  if (req.event_id.empty()) {
    co_return std::unexpected(core::make_error(core::errc::missing_field, "event_id is empty", "event_id"));
  }
  if (req.team.empty()) {
    co_return std::unexpected(core::make_error(core::errc::missing_field, "team is empty", "team"));
  }
  json p{{"ev", req.event_id},       {"lead", req.lead_id},
         {"c", req.contact_id},      {"team", req.team},
         {"strat", strategy_code(req.strategy)},
         {"sticky", req.sticky_owner ? 1 : 0},
         {"sla", req.sla_minutes},   {"prio", req.priority},
         {"rule", req.rule}};
  auto r = co_await run(redis, opts, "assign", now, p);
  if (!r) co_return std::unexpected(r.error());
  co_return parse_assignment(*r);
}

awaitable<std::expected<std::vector<assignment>, core::error>> async_release(
    redis_client& redis, const assign_options& opts, const std::string& event_id, const std::string& reason,
    const clock_point& now, std::string owner) {
  json p{{"ev", event_id}, {"reason", reason}, {"m", owner}};
  auto r = co_await run(redis, opts, "release", now, p);
  if (!r) co_return std::unexpected(r.error());
  if (!r->is_array() || r->elements.size() != 2) co_return std::unexpected(bad_reply("release"));
  std::string st = str_of(r->elements[0]);
  if (st == "unknown") {
    co_return std::unexpected(core::make_error(core::errc::not_found, "no assignment for event " + event_id));
  }
  if (st == "not_owner") {
    co_return std::unexpected(core::make_error(core::errc::forbidden, "the lead is not assigned to " + owner));
  }
  co_return parse_list(r->elements[1]);
}

awaitable<std::expected<void, core::error>> async_accept(redis_client& redis, const assign_options& opts,
                                                         const std::string& event_id, const std::string& member,
                                                         const clock_point& now) {
  json p{{"ev", event_id}, {"m", member}};
  auto r = co_await run(redis, opts, "accept", now, p);
  if (!r) co_return std::unexpected(r.error());
  if (!r->is_array() || r->elements.empty()) co_return std::unexpected(bad_reply("accept"));
  std::string st = str_of(r->elements[0]);
  if (st == "accepted") {
    std::expected<void, core::error> ok;
    co_return ok;
  }
  if (st == "unknown") {
    co_return std::unexpected(core::make_error(core::errc::not_found, "no assignment for event " + event_id));
  }
  if (st == "not_owner") {
    co_return std::unexpected(core::make_error(core::errc::forbidden, "the lead is not assigned to " + member));
  }
  co_return std::unexpected(core::make_error(core::errc::conflict, "the lead is " + st + ", not assigned"));
}

awaitable<std::expected<std::optional<assignment>, core::error>> async_claim(
    redis_client& redis, const assign_options& opts, const std::string& team, const std::string& member,
    const clock_point& now) {
  json p{{"team", team}, {"m", member}};
  auto r = co_await run(redis, opts, "claim", now, p);
  if (!r) co_return std::unexpected(r.error());
  if (!r->is_array() || r->elements.empty()) co_return std::unexpected(bad_reply("claim"));
  std::string st = str_of(r->elements[0]);
  if (st == "empty") {
    std::optional<assignment> nothing;
    co_return nothing;
  }
  if (st == "unknown_member") {
    co_return std::unexpected(
        core::make_error(core::errc::not_found, "no member " + member + " in team " + team, "member"));
  }
  if (st == "unavailable") {
    co_return std::unexpected(core::make_error(core::errc::conflict,
                                               "member " + member + " is away, off duty or at capacity", "member"));
  }
  if (st != "claimed" || r->elements.size() != 2) co_return std::unexpected(bad_reply("claim"));
  auto a = parse_assignment(r->elements[1]);
  if (!a) co_return std::unexpected(a.error());
  std::optional<assignment> claimed(std::move(*a));
  co_return claimed;
}

awaitable<std::expected<sweep_result, core::error>> async_sweep(redis_client& redis, const assign_options& opts,
                                                                const clock_point& now) {
  json p{{"limit", opts.sweep_batch}};
  auto r = co_await run(redis, opts, "sweep", now, p);
  if (!r) co_return std::unexpected(r.error());
  if (!r->is_array() || r->elements.size() != 4) co_return std::unexpected(bad_reply("sweep"));
  sweep_result s;
  s.reassigned = static_cast<int>(int_of(r->elements[0]));
  s.escalated = static_cast<int>(int_of(r->elements[1]));
  s.missed = static_cast<int>(int_of(r->elements[2]));
  s.drained = static_cast<int>(int_of(r->elements[3]));
  co_return s;
}

awaitable<std::expected<std::vector<assignment>, core::error>> async_set_member_state(
    redis_client& redis, const assign_options& opts, const std::string& team, const std::string& member,
    bool active, const clock_point& now) {
  json p{{"team", team}, {"m", member}, {"st", active ? "active" : "away"}};
  auto r = co_await run(redis, opts, "state", now, p);
  if (!r) co_return std::unexpected(r.error());
  if (!r->is_array() || r->elements.size() != 2) co_return std::unexpected(bad_reply("state"));
  if (str_of(r->elements[0]) == "unknown") {
    co_return std::unexpected(
        core::make_error(core::errc::not_found, "no member " + member + " in team " + team, "member"));
  }
  co_return parse_list(r->elements[1]);
}

awaitable<std::expected<void, core::error>> async_drop_team(redis_client& redis, const assign_options& opts,
                                                            const std::string& team) {
  json p{{"team", team}};
  clock_point none;
  auto r = co_await run(redis, opts, "drop", none, p);
  if (!r) co_return std::unexpected(r.error());
  if (!r->is_array() || r->elements.size() != 2) co_return std::unexpected(bad_reply("drop"));
  if (str_of(r->elements[0]) == "busy") {
    co_return std::unexpected(core::make_error(
        core::errc::conflict,
        "team " + team + " still has " + str_of(r->elements[1]) + " waiting or open leads; release or move them first",
        "team"));
  }
  std::expected<void, core::error> ok;
  co_return ok;
}

awaitable<std::expected<std::vector<std::string>, core::error>> async_available_members(
    redis_client& redis, const assign_options& opts, const std::string& team, const clock_point& now) {
  json p{{"team", team}};
  auto r = co_await run(redis, opts, "duty", now, p);
  if (!r) co_return std::unexpected(r.error());
  std::vector<std::string> ids;
  if (!r->is_array()) co_return ids;  // an empty Lua table comes back as an empty array
  for (const auto& e : r->elements) ids.push_back(str_of(e));
  co_return ids;
}

}  // namespace lg::store
