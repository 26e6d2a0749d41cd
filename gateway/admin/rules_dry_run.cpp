// See rules_dry_run.hpp. The member prediction mirrors assign.lua's choice (sticky owner, round
// robin after the cursor, least-loaded with the same rotation on ties, smooth weighted round
// robin via routing::smooth_wrr_pick) over the members the engine itself reports available
// (its read-only 'duty' operation), without writing the cursor or the weights.
#include "gateway/admin/rules_dry_run.hpp"

#include "core/lead_event.hpp"
#include "core/time_format.hpp"
#include "gateway/admin/edit.hpp"
#include "routing/assign_plan.hpp"
#include "routing/matcher.hpp"
#include "store/assignments.hpp"
#include "store/contacts.hpp"
#include "store/team_view.hpp"
#include "store/rule_store.hpp"

#include <algorithm>
#include <set>

namespace lg::gateway {
namespace {

using core::errc;
using core::make_error;
using nlohmann::json;

struct member_view : store::member_snapshot {
  bool available = false;
};

awaitable<std::expected<json, core::error>> predict(store::redis_client& redis, const store::assign_options& opts,
                                                    const routing::action& action, const routing::lead_view& lead,
                                                    const store::clock_point& at) {
  json out{{"note", "predicted from the team's state at this moment; nothing was assigned"}};
  auto snap = co_await store::async_team_snapshot(redis, opts.tenant, action.team);
  if (!snap) co_return std::unexpected(snap.error());
  if (!*snap) {
    out["outcome"] = "backlog";
    out["reason"] = "team " + action.team + " has no members in the store; the lead would wait in its backlog";
    out["candidates"] = json::array();
    co_return out;
  }
  const long long rr = (*snap)->rr;
  std::vector<member_view> members;
  for (auto& s : (*snap)->members) members.push_back(member_view{std::move(s)});
  auto avail = co_await store::async_available_members(redis, opts, action.team, at);
  if (!avail) co_return std::unexpected(avail.error());
  const std::set<std::string> free(avail->begin(), avail->end());
  std::vector<member_view*> candidates;
  json listed = json::array();
  for (auto& m : members) {
    m.available = free.contains(m.id);
    if (m.available) candidates.push_back(&m);
    listed.push_back({{"id", m.id}, {"state", m.state}, {"load", m.load}, {"capacity", m.capacity},
                      {"weight", m.weight}, {"available", m.available}});
  }
  out["candidates"] = std::move(listed);

  const member_view* pick = nullptr;
  if (lead.returning && action.sticky_owner && !lead.owner.empty()) {
    for (auto* m : candidates) {
      if (m->id == lead.owner) pick = m;
    }
    if (pick != nullptr) out["sticky"] = true;
  }
  if (pick == nullptr && action.strategy == routing::strategy::claim) {
    out["outcome"] = "waiting";
    out["reason"] = "claim mode: the lead waits in the team's claim queue for a member to pull it";
    co_return out;
  }
  if (pick == nullptr && candidates.empty()) {
    out["outcome"] = "backlog";
    out["reason"] = "no member is active, on duty and below capacity; the lead would wait in the backlog";
    co_return out;
  }
  if (pick == nullptr && action.strategy == routing::strategy::weighted_round_robin) {
    std::vector<long long> current;
    std::vector<int> weights;
    for (auto* m : candidates) {
      current.push_back(m->current_weight);
      weights.push_back(m->weight);
    }
    pick = candidates[routing::smooth_wrr_pick(current, weights)];
  } else if (pick == nullptr) {
    const long long n = static_cast<long long>(members.size());
    auto dist = [&](const member_view* m) { return ((static_cast<long long>(m->index) - rr - 1) % n + n) % n; };
    for (auto* m : candidates) {
      if (pick == nullptr) pick = m;
      else if (action.strategy == routing::strategy::least_loaded && m->load != pick->load) {
        if (m->load < pick->load) pick = m;
      } else if (dist(m) < dist(pick)) {
        pick = m;
      }
    }
  }
  out["outcome"] = "assigned";
  out["member"] = pick->id;
  out["crm_user_id"] = pick->crm;
  co_return out;
}

}  // namespace

awaitable<response> rules_dry_run(const config::config& cfg, const std::shared_ptr<live_rules>& live,
                                  request_context& ctx) {
  auto body = json::parse(ctx.req.body(), nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    co_return error_response(make_error(errc::bad_request, "body must be a JSON object {\"lead\":{…}}"));
  }
  auto lead_it = body.find("lead");
  if (lead_it == body.end() || !lead_it->is_object()) {
    co_return error_response(make_error(errc::missing_field, "lead: a lead event object is required", "lead"));
  }
  core::lead_event event;
  try {
    event = lead_it->get<core::lead_event>();
  } catch (const std::exception& e) {
    co_return error_response(make_error(errc::invalid_field, std::string("lead: ") + e.what(), "lead"));
  }
  bool returning = false;
  std::string owner;
  std::string owner_team;
  std::string when;
  try {
    returning = body.value("returning", false);
    owner = body.value("owner", std::string());
    owner_team = body.value("owner_team", std::string());
    when = body.value("at", std::string());
  } catch (const std::exception&) {
    co_return error_response(make_error(
        errc::invalid_field, "returning must be a boolean; owner, owner_team and at strings", "returning"));
  }

  // The time the rules see: `at`, else the lead's own time, else now.
  std::int64_t at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  if (when.empty()) when = event.occurred_at.empty() ? event.received_at : event.occurred_at;
  if (!when.empty()) {
    auto s = core::parse_rfc3339(when);
    if (!s) co_return error_response(make_error(errc::invalid_field, "at: not an RFC 3339 time", "at"));
    at_ms = *s * 1000;
  }

  // The rules: a draft from the body, else what this process applies, else the stored set.
  std::shared_ptr<const routing::rule_set> rules;
  std::int64_t version = 0;
  if (auto it = body.find("rules"); it != body.end()) {
    auto parsed = routing::parse_rules(*it);
    if (!parsed) {
      std::vector<std::string> problems;
      for (const auto& p : parsed.error()) problems.push_back("rules." + p);
      co_return admin_edit::problems_response(problems);
    }
    rules = std::make_shared<const routing::rule_set>(std::move(*parsed));
  } else if (live) {
    auto snap = live->get();
    rules = snap.rules;
    version = snap.version;
  }
  if (!rules) {
    store::rule_store_options so;
    so.tenant = cfg.tenant;
    auto cur = co_await store::async_current_rules(*ctx.redis, so);
    if (!cur) co_return admin_edit::store_failure(cur.error());
    if (*cur) {
      auto parsed = pipeline::parse_stored_rules((*cur)->json);
      if (parsed) {
        rules = std::make_shared<const routing::rule_set>(std::move(*parsed));
        version = (*cur)->version;
      }
    }
    if (!rules) rules = std::make_shared<const routing::rule_set>(cfg.routing);
  }

  routing::lead_view view{event, returning, owner, owner_team};
  const auto local = routing::to_local(at_ms, cfg.time_zone);
  const auto d = routing::decide(view, *rules, local, true);
  routing::action action = d.action;
  if (action.team.empty()) action.team = rules->default_team;

  json trace = json::array();
  for (const auto& t : d.trace) {
    trace.push_back({{"rule", t.rule}, {"enabled", t.enabled}, {"matched", t.matched}, {"reasons", t.reasons}});
  }
  json decision{{"rule", d.rule},
                {"team", action.team},
                {"strategy", routing::to_string(action.strategy)},
                {"sticky_owner", action.sticky_owner},
                {"tags", action.tags},
                {"priority", action.priority},
                {"sla_minutes", action.sla_minutes}};
  store::assign_options ao;
  ao.tenant = cfg.tenant;
  const auto clock = pipeline::make_clock_point(at_ms, cfg.time_zone);
  auto member = co_await predict(*ctx.redis, ao, action, view, clock);
  if (!member) co_return admin_edit::store_failure(member.error());
  json out{{"version", version},
           {"draft", body.contains("rules")},
           {"at", at_ms},
           {"local_time", {{"minute_of_day", local.minute_of_day}, {"iso_weekday", local.iso_weekday}}},
           {"decision", std::move(decision)},
           {"trace", std::move(trace)},
           {"assignment", std::move(*member)}};
  co_return json_response(http::status::ok, core::json_text(out));
}

}  // namespace lg::gateway
