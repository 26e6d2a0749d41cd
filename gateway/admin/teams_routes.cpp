// Teams and members admin API (docs/api.md "Teams"):
//   GET    /admin/v1/teams                                   viewer
//   GET    /admin/v1/teams/{team}                            viewer
//   PUT    /admin/v1/teams/{team}                            admin   the whole team (parse_teams)
//   DELETE /admin/v1/teams/{team}                            admin   409 while rules, a fallback or leads use it
//   PUT    /admin/v1/teams/{team}/members/{member}           admin
//   DELETE /admin/v1/teams/{team}/members/{member}           admin   409 while the member has open leads
//   POST   /admin/v1/teams/{team}/members/{member}/state     admin, or the agent who is that member
// The assignment engine's copy is written first (store/assignments.hpp: seed, drop, state), then
// the definition the API shows with its audit entry (store/rule_store.hpp).
#include "gateway/routes.hpp"
#include "store/team_view.hpp"

#include "gateway/admin/edit.hpp"
#include "pipeline/rules_watcher.hpp"
#include "store/assignments.hpp"
#include "store/keys.hpp"
#include "store/rule_store.hpp"

#include <memory>

namespace lg::gateway {
namespace {

using core::errc;
using core::make_error;
using nlohmann::json;
using namespace admin_edit;

// The definitions, seeded from the config on first use.
awaitable<std::expected<std::map<std::string, std::string>, core::error>> load_defs(routing_env& env,
                                                                                   store::redis_client& redis) {
  if (auto s = co_await async_ensure_seeded(env, redis); !s) co_return std::unexpected(s.error());
  co_return co_await store::async_team_defs(redis, env.store);
}

// The team of the path: routing::parse_team, and its id must be the path's.
std::expected<routing::team, std::vector<std::string>> parse_team(const json& j, const std::string& id) {
  auto t = routing::parse_team(j);
  if (!t) return t;
  if (t->id != id) return std::unexpected(std::vector<std::string>{"id: must be the team of the path ('" + id + "')"});
  return t;
}

// Writes a validated team: the engine's copy, then the definition and the audit entry.
awaitable<std::expected<json, core::error>> save_team(routing_env& env, store::redis_client& redis, const principal& who,
                                                     const routing::team& t, const json& before,
                                                     const std::string& action) {
  const store::team_record rec = pipeline::to_team_record(t);
  auto s = co_await store::async_seed_team(redis, env.assign, rec, true);
  if (!s) co_return std::unexpected(s.error());
  json after = routing::to_json(t);
  const std::string text = core::json_text(after);
  const std::string d = audit_detail(before, after);
  auto w = co_await store::async_write_team_def(redis, env.store, t.id, text, who.name, now_ms(), action, d);
  if (!w) co_return std::unexpected(w.error());
  co_return after;
}

std::expected<json, core::error> parse_object(const request& req) {
  auto j = json::parse(req.body(), nullptr, false);
  if (j.is_discarded()) return std::unexpected(make_error(errc::bad_request, "body is not JSON"));
  if (!j.is_object()) return std::unexpected(make_error(errc::bad_request, "body must be a JSON object"));
  return j;
}

// The members of `before` that `after` no longer has and that still hold open leads: removing
// them would orphan those leads (the engine forgets a removed member).
awaitable<std::expected<std::vector<std::string>, core::error>> busy_removed_members(
    routing_env& env, store::redis_client& redis, const routing::team& before, const routing::team& after) {
  std::vector<std::string> busy;
  for (const auto& m : before.members) {
    if (after.find(m.id) != nullptr) continue;
    auto open = co_await store::async_member_load(redis, env.cfg.tenant, before.id, m.id);
    if (!open) co_return std::unexpected(open.error());
    if (*open > 0) busy.push_back(m.id + " (" + std::to_string(*open) + " open)");
  }
  co_return busy;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

awaitable<response> list_teams(routing_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  auto defs = co_await load_defs(env, *ctx.redis);
  if (!defs) co_return store_failure(defs.error());
  json teams = json::array();
  for (const auto& [id, text] : *defs) teams.push_back(json::parse(text, nullptr, false));
  json body{{"teams", std::move(teams)}};
  co_return json_response(http::status::ok, core::json_text(body));
}

awaitable<response> get_team(routing_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  auto defs = co_await load_defs(env, *ctx.redis);
  if (!defs) co_return store_failure(defs.error());
  auto it = defs->find(std::string(ctx.param("team")));
  if (it == defs->end()) co_return error_response(make_error(errc::not_found, "no such team", "team"));
  co_return json_response(http::status::ok, it->second);
}

awaitable<response> put_team(routing_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::admin);
  if (!who) co_return auth_error_response(who.error());
  const std::string id(ctx.param("team"));
  auto body = parse_object(ctx.req);
  if (!body) co_return error_response(body.error());
  if (!body->contains("id")) (*body)["id"] = id;
  auto t = parse_team(*body, id);
  if (!t) co_return problems_response(t.error());
  auto defs = co_await load_defs(env, *ctx.redis);
  if (!defs) co_return store_failure(defs.error());
  if (!t->fallback_team.empty() && (t->fallback_team == id || !defs->contains(t->fallback_team))) {
    const std::vector<std::string> problems{"fallback_team: " + (t->fallback_team == id
                                                                     ? std::string("must be another team")
                                                                     : "unknown team '" + t->fallback_team + "'")};
    co_return problems_response(problems);
  }
  const auto old = defs->find(id);
  const json before = old == defs->end() ? json::object() : json::parse(old->second, nullptr, false);
  if (old != defs->end()) {
    if (auto prev = parse_team(before, id)) {
      auto busy = co_await busy_removed_members(env, *ctx.redis, *prev, *t);
      if (!busy) co_return store_failure(busy.error());
      if (!busy->empty()) {
        co_return error_response(make_error(errc::conflict,
                                            "members still holding open leads cannot be removed: " + joined(*busy) +
                                                "; set them away and release their leads first",
                                            "members"));
      }
    }
  }
  auto saved = co_await save_team(env, *ctx.redis, *who, *t, before, "team.put");
  if (!saved) co_return store_failure(saved.error());
  co_return json_response(old == defs->end() ? http::status::created : http::status::ok, core::json_text(*saved));
}

awaitable<response> delete_team(routing_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::admin);
  if (!who) co_return auth_error_response(who.error());
  const std::string id(ctx.param("team"));
  auto defs = co_await load_defs(env, *ctx.redis);
  if (!defs) co_return store_failure(defs.error());
  const auto old = defs->find(id);
  if (old == defs->end()) co_return error_response(make_error(errc::not_found, "no such team", "team"));
  // Still in use: by the current rules, or as another team's fallback.
  std::vector<std::string> uses;
  auto cur = co_await store::async_current_rules(*ctx.redis, env.store);
  if (!cur) co_return store_failure(cur.error());
  if (*cur) {
    if (auto rules = pipeline::parse_stored_rules((*cur)->json)) {
      if (rules->default_team == id) uses.push_back("default_team");
      for (std::size_t i = 0; i < rules->rules.size(); ++i) {
        if (rules->rules[i].then.team == id) uses.push_back("rules[" + std::to_string(i) + "] '" + rules->rules[i].name + "'");
      }
    }
  }
  for (const auto& t : pipeline::parse_team_defs(*defs)) {
    if (t.fallback_team == id) uses.push_back("team " + t.id + " fallback_team");
  }
  if (!uses.empty()) {
    co_return error_response(make_error(errc::conflict, "team " + id + " is still used by " + joined(uses), "team"));
  }
  auto dropped = co_await store::async_drop_team(*ctx.redis, env.assign, id);
  if (!dropped) co_return store_failure(dropped.error());
  const json before = json::parse(old->second, nullptr, false);
  const std::string d = audit_detail(before, json::object());
  const std::string none;
  auto w = co_await store::async_write_team_def(*ctx.redis, env.store, id, none, who->name, now_ms(), "team.delete", d);
  if (!w) co_return store_failure(w.error());
  json body{{"deleted", id}};
  co_return json_response(http::status::ok, core::json_text(body));
}

// The stored team of the path, or 404.
awaitable<std::expected<std::pair<json, routing::team>, core::error>> load_team(routing_env& env,
                                                                               store::redis_client& redis,
                                                                               const std::string& id) {
  auto defs = co_await load_defs(env, redis);
  if (!defs) co_return std::unexpected(defs.error());
  auto it = defs->find(id);
  if (it == defs->end()) co_return std::unexpected(make_error(errc::not_found, "no such team", "team"));
  json j = json::parse(it->second, nullptr, false);
  auto t = parse_team(j, id);
  if (!t) co_return std::unexpected(make_error(errc::internal, "stored team " + id + ": " + t.error().front()));
  co_return std::make_pair(std::move(j), std::move(*t));
}

awaitable<response> put_member(routing_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::admin);
  if (!who) co_return auth_error_response(who.error());
  const std::string team_id(ctx.param("team"));
  const std::string member_id(ctx.param("member"));
  auto body = parse_object(ctx.req);
  if (!body) co_return error_response(body.error());
  if (!body->contains("id")) (*body)["id"] = member_id;
  if ((*body)["id"] != member_id) {
    const std::vector<std::string> problems{"id: must be the member of the path ('" + member_id + "')"};
    co_return problems_response(problems);
  }
  auto loaded = co_await load_team(env, *ctx.redis, team_id);
  if (!loaded) co_return store_failure(loaded.error());
  json next = loaded->first;
  bool replaced = false;
  for (auto& m : next["members"]) {
    if (m.value("id", std::string()) == member_id) {
      m = *body;
      replaced = true;
    }
  }
  if (!replaced) next["members"].push_back(*body);
  auto t = parse_team(next, team_id);
  if (!t) co_return problems_response(t.error());
  auto saved = co_await save_team(env, *ctx.redis, *who, *t, loaded->first, "member.put");
  if (!saved) co_return store_failure(saved.error());
  for (const auto& m : (*saved)["members"]) {
    if (m["id"] == member_id) co_return json_response(replaced ? http::status::ok : http::status::created, core::json_text(m));
  }
  co_return json_response(http::status::ok, core::json_text(*saved));
}

awaitable<response> delete_member(routing_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::admin);
  if (!who) co_return auth_error_response(who.error());
  const std::string team_id(ctx.param("team"));
  const std::string member_id(ctx.param("member"));
  auto loaded = co_await load_team(env, *ctx.redis, team_id);
  if (!loaded) co_return store_failure(loaded.error());
  if (loaded->second.find(member_id) == nullptr) {
    co_return error_response(make_error(errc::not_found, "no member " + member_id + " in team " + team_id, "member"));
  }
  auto open = co_await store::async_member_load(*ctx.redis, env.cfg.tenant, team_id, member_id);
  if (!open) co_return store_failure(open.error());
  if (*open > 0) {
    co_return error_response(make_error(errc::conflict,
                                        "member " + member_id + " still has " + std::to_string(*open) +
                                            " open leads; set the member away and release them first",
                                        "member"));
  }
  routing::team t = loaded->second;
  std::erase_if(t.members, [&](const routing::member& m) { return m.id == member_id; });
  auto saved = co_await save_team(env, *ctx.redis, *who, t, loaded->first, "member.delete");
  if (!saved) co_return store_failure(saved.error());
  json body{{"deleted", member_id}, {"team", team_id}};
  co_return json_response(http::status::ok, core::json_text(body));
}

awaitable<response> member_state(routing_env& env, request_context& ctx) {
  const std::string team_id(ctx.param("team"));
  const std::string member_id(ctx.param("member"));
  // Admins set anyone's state; an agent its own.
  auto who = env.auth->check(ctx.req, admin_role::agent);
  if (!who) co_return auth_error_response(who.error());
  if (who->role != admin_role::admin && who->member != member_id) {
    co_return auth_error_response(make_error(errc::forbidden, "an agent may set only its own state", "member"));
  }
  auto body = parse_object(ctx.req);
  if (!body) co_return error_response(body.error());
  const auto st = body->find("state");
  if (st == body->end() || !st->is_string() || (*st != "active" && *st != "away")) {
    co_return error_response(make_error(errc::invalid_field, "state must be \"active\" or \"away\"", "state"));
  }
  const bool active = *st == "active";
  auto loaded = co_await load_team(env, *ctx.redis, team_id);
  if (!loaded) co_return store_failure(loaded.error());
  if (loaded->second.find(member_id) == nullptr) {
    co_return error_response(make_error(errc::not_found, "no member " + member_id + " in team " + team_id, "member"));
  }
  store::clock_point at;
  at.epoch_ms = now_ms();
  {
    const auto c = pipeline::make_clock_point(at.epoch_ms, env.cfg.time_zone);
    at = c;
  }
  auto drained = co_await store::async_set_member_state(*ctx.redis, env.assign, team_id, member_id, active, at);
  if (!drained) co_return store_failure(drained.error());
  json next = loaded->first;
  for (auto& m : next["members"]) {
    if (m.value("id", std::string()) == member_id) m["state"] = active ? "active" : "away";
  }
  const std::string text = core::json_text(next);
  const std::string d = audit_detail(loaded->first, next);
  auto w = co_await store::async_write_team_def(*ctx.redis, env.store, team_id, text, who->name, at.epoch_ms,
                                                "member.state", d);
  if (!w) co_return store_failure(w.error());
  json assigned = json::array();
  for (const auto& a : *drained) assigned.push_back({{"event_id", a.event_id}, {"member", a.member}});
  json out{{"team", team_id}, {"member", member_id}, {"state", active ? "active" : "away"}, {"drained", assigned}};
  co_return json_response(http::status::ok, core::json_text(out));
}

}  // namespace

void add_admin_teams_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth) {
  auto env = std::make_shared<routing_env>(cfg, std::move(auth), nullptr);
  r.add(http::verb::get, "/admin/v1/teams", [env](request_context& ctx) { return list_teams(*env, ctx); });
  r.add(http::verb::get, "/admin/v1/teams/{team}", [env](request_context& ctx) { return get_team(*env, ctx); });
  r.add(http::verb::put, "/admin/v1/teams/{team}", [env](request_context& ctx) { return put_team(*env, ctx); });
  r.add(http::verb::delete_, "/admin/v1/teams/{team}", [env](request_context& ctx) { return delete_team(*env, ctx); });
  r.add(http::verb::put, "/admin/v1/teams/{team}/members/{member}",
        [env](request_context& ctx) { return put_member(*env, ctx); });
  r.add(http::verb::delete_, "/admin/v1/teams/{team}/members/{member}",
        [env](request_context& ctx) { return delete_member(*env, ctx); });
  r.add(http::verb::post, "/admin/v1/teams/{team}/members/{member}/state",
        [env](request_context& ctx) { return member_state(*env, ctx); });
}

}  // namespace lg::gateway
