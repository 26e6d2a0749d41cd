// GET /admin/v1/queues (viewer and above): per team the backlog and claim queue (depth, the
// oldest waiting lead and its age), the team queue stream's length, and per member the open
// leads, capacity, state and whether they are on duty now. At most 200 teams of 200 members.
#include "gateway/routes.hpp"
#include "core/json_text.hpp"

#include "pipeline/assign_stage.hpp"
#include "gateway/query.hpp"
#include "core/time_format.hpp"
#include "store/queues.hpp"

#include <nlohmann/json.hpp>

namespace lg::gateway {
namespace {

using nlohmann::json;

struct queues_env {
  std::string time_zone;
  store::assign_options store;
  store::queues_limits limits;
  std::shared_ptr<const admin_auth> auth;
};

std::string at_ms(std::int64_t ms) {
  return core::format_rfc3339_ms(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

json to_json(const store::team_queue& t, std::int64_t now_ms) {
  json members = json::array();
  for (const auto& m : t.members) {
    members.push_back({{"id", m.id},
                       {"name", m.name},
                       {"crm_user_id", m.crm_user_id},
                       {"weight", m.weight},
                       {"capacity", m.capacity},
                       {"open", m.open},
                       {"state", m.state},
                       {"on_duty", m.on_duty},
                       {"available", m.available}});
  }
  json j{{"id", t.id},
         {"fallback_team", t.fallback_team.empty() ? json(nullptr) : json(t.fallback_team)},
         {"waiting", t.backlog + t.claim_waiting},
         {"backlog", t.backlog},
         {"claim_waiting", t.claim_waiting},
         {"oldest_waiting_at", nullptr},
         {"oldest_waiting_age_ms", nullptr},
         {"stream_length", t.stream_length},
         {"members_total", t.members_total},
         {"members_truncated", t.members.size() < t.members_total},
         {"members", std::move(members)}};
  if (t.oldest_waiting_ms >= 0) {
    j["oldest_waiting_at"] = at_ms(t.oldest_waiting_ms);
    j["oldest_waiting_age_ms"] = std::max<std::int64_t>(0, now_ms - t.oldest_waiting_ms);
  }
  return j;
}

awaitable<response> get_queues(const queues_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::viewer);
  if (!who) co_return auth_error_response(who.error());
  auto query = parse_query(ctx.query);
  if (!query) co_return error_response(query.error());
  std::string team;
  if (auto it = query->find("team"); it != query->end()) team = it->second;
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const store::clock_point now = pipeline::make_clock_point(now_ms, env.time_zone);
  auto view = co_await store::async_queues(*ctx.redis, env.store, now, env.limits);
  if (!view) co_return error_response(view.error());
  json teams = json::array();
  for (const auto& t : view->teams) {
    if (team.empty() || t.id == team) teams.push_back(to_json(t, now_ms));
  }
  if (!team.empty() && teams.empty()) {
    auto err = core::make_error(core::errc::not_found, "no team '" + team + "'", "team");
    co_return error_response(err);
  }
  json out{{"generated_at", at_ms(now_ms)},
           {"teams_total", view->teams_total},
           {"teams_truncated", view->teams.size() < view->teams_total},
           {"teams", std::move(teams)}};
  auto res = json_response(http::status::ok, core::json_text(out));
  res.set(http::field::cache_control, "no-store");
  co_return res;
}

}  // namespace

void add_queues_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth) {
  store::assign_options so;
  so.tenant = cfg.tenant;
  auto env = std::make_shared<queues_env>(queues_env{cfg.time_zone, so, {}, std::move(auth)});
  r.add(http::verb::get, "/admin/v1/queues", [env](request_context& ctx) { return get_queues(*env, ctx); });
}

}  // namespace lg::gateway
