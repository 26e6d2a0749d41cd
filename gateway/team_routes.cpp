// The agents' routes over the assignment store (store/assignments.hpp):
//   POST /v1/teams/{team}/claim        claim mode: the oldest waiting lead of the team
//   POST /v1/leads/{lead_id}/accept    the SLA clock stops
//   POST /v1/leads/{lead_id}/release   closed or handed back: capacity frees, the backlog drains
// An agent token acts as its configured member; an admin token names the member in the body
// ({"member": "…"}) and may release any lead. Viewers get 403, no token 401.
#include "gateway/routes.hpp"
#include "core/json_text.hpp"

#include "pipeline/assign_stage.hpp"
#include "core/time_format.hpp"
#include "store/contacts.hpp"
#include "store/keys.hpp"
#include "store/queues.hpp"
#include "store/team_view.hpp"

#include <nlohmann/json.hpp>

namespace lg::gateway {
namespace {

using core::errc;
using core::make_error;
using nlohmann::json;

constexpr std::size_t max_id_length = 128;
constexpr std::size_t max_reason_length = 64;
constexpr std::size_t claim_timeline_entries = 5;

struct team_env {
  std::string time_zone;
  store::assign_options store;
  std::shared_ptr<const admin_auth> auth;
};

store::clock_point now_point(const team_env& env) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return pipeline::make_clock_point(ms, env.time_zone);
}

response ok_json(const json& j) {
  auto res = json_response(http::status::ok, core::json_text(j));
  res.set(http::field::cache_control, "no-store");
  return res;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > max_id_length) return false;
  for (unsigned char c : id) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// The body as a JSON object; an empty body is {}.
std::expected<json, core::error> body_object(const request& req) {
  if (req.body().empty()) return json::object();
  auto j = json::parse(req.body(), nullptr, false);
  if (j.is_discarded()) return std::unexpected(make_error(errc::bad_request, "body is not JSON"));
  if (!j.is_object()) return std::unexpected(make_error(errc::bad_request, "body must be a JSON object"));
  return j;
}

// The "member" the body names: "" when absent; an error when present but not a valid id.
std::expected<std::string, core::error> body_member(const json& body) {
  auto it = body.find("member");
  if (it == body.end() || it->is_null()) return std::string{};
  if (!it->is_string() || !valid_id(it->get_ref<const std::string&>())) {
    return std::unexpected(make_error(errc::invalid_field, "member must be a member id (1-128 visible characters)",
                                      "member"));
  }
  return it->get<std::string>();
}

// Whom the caller acts as. Agents: their token's member (naming another one is forbidden).
// Admins: the member named in the body, or `fallback` when none is named.
std::expected<std::string, core::error> acting_member(const principal& who, const json& body,
                                                      const std::string& fallback) {
  auto named = body_member(body);
  if (!named) return std::unexpected(named.error());
  if (who.role == admin_role::admin) {
    if (!named->empty()) return *named;
    if (!fallback.empty()) return fallback;
    return std::unexpected(make_error(errc::missing_field, "an admin token must name the member", "member"));
  }
  if (who.member.empty()) {
    return std::unexpected(make_error(errc::forbidden, "token '" + who.name + "' is not bound to a team member"));
  }
  if (!named->empty() && *named != who.member) {
    return std::unexpected(make_error(errc::forbidden, "an agent acts only as its own member", "member"));
  }
  return who.member;
}

json due_json(std::int64_t due_ms) {
  if (due_ms <= 0) return nullptr;
  return core::format_rfc3339_ms(std::chrono::system_clock::time_point(std::chrono::milliseconds(due_ms)));
}

json assignment_json(const store::assignment& a) {
  return {{"lead_id", a.lead_id}, {"event_id", a.event_id}, {"team", a.team},       {"member", a.member},
          {"crm_user_id", a.crm_user_id}, {"state", a.state}, {"sla_due_at", due_json(a.due_ms)}};
}

awaitable<response> claim(const team_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::agent);
  if (!who) co_return auth_error_response(who.error());
  const std::string team(ctx.param("team"));
  if (!valid_id(team)) co_return error_response(make_error(errc::invalid_field, "not a team id", "team"));
  auto body = body_object(ctx.req);
  if (!body) co_return error_response(body.error());
  auto member = acting_member(*who, *body, {});
  if (!member) co_return error_response(member.error());

  const store::clock_point now = now_point(env);
  auto r = co_await store::async_claim(*ctx.redis, env.store, team, *member, now);
  if (!r) {
    if (r.error().code == errc::not_found) {
      co_return error_response(
          make_error(errc::forbidden, "member '" + *member + "' is not in team '" + team + "'", "team"));
    }
    co_return error_response(r.error());
  }
  if (!r->has_value()) {
    co_return error_response(make_error(errc::not_found, "no lead is waiting in team '" + team + "'"));
  }
  const store::assignment& a = **r;
  json out{{"lead", assignment_json(a)}, {"contact", nullptr}};
  // The contact, so the agent can call at once (the claim already happened: a failure here
  // leaves the contact out rather than failing the claim).
  if (auto c = co_await store::async_assignment_contact(*ctx.redis, env.store.tenant, a.event_id); c && !c->empty()) {
    auto contact = co_await store::async_get_contact(*ctx.redis, env.store.tenant, *c, claim_timeline_entries);
    if (contact && contact->has_value()) out["contact"] = std::move(**contact);
  }
  co_return ok_json(out);
}

// The lead of the path, or the error response to answer.
awaitable<std::expected<store::lead_record, response>> find_lead(const team_env& env, request_context& ctx) {
  const std::string lead_id(ctx.param("lead_id"));
  if (!valid_id(lead_id)) {
    co_return std::unexpected(error_response(make_error(errc::invalid_field, "not a lead id", "lead_id")));
  }
  auto rec = co_await store::async_find_lead(*ctx.redis, env.store, lead_id);
  if (!rec) co_return std::unexpected(error_response(rec.error()));
  if (!rec->has_value()) {
    co_return std::unexpected(
        error_response(make_error(errc::not_found, "no assignment for lead '" + lead_id + "'", "lead_id")));
  }
  co_return std::move(**rec);
}

awaitable<response> accept(const team_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::agent);
  if (!who) co_return auth_error_response(who.error());
  auto body = body_object(ctx.req);
  if (!body) co_return error_response(body.error());
  auto rec = co_await find_lead(env, ctx);
  if (!rec) co_return std::move(rec.error());
  auto member = acting_member(*who, *body, rec->member);
  if (!member) co_return error_response(member.error());
  const store::clock_point now = now_point(env);
  auto r = co_await store::async_accept(*ctx.redis, env.store, rec->event_id, *member, now);
  if (!r) {
    if (r.error().code == errc::forbidden) {
      co_return error_response(make_error(errc::forbidden, "lead '" + rec->lead_id + "' is not assigned to '" +
                                                               *member + "'"));
    }
    co_return error_response(r.error());
  }
  json out{{"lead_id", rec->lead_id}, {"team", rec->team}, {"member", *member}, {"state", "accepted"}};
  co_return ok_json(out);
}

awaitable<response> release(const team_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::agent);
  if (!who) co_return auth_error_response(who.error());
  auto body = body_object(ctx.req);
  if (!body) co_return error_response(body.error());
  std::string reason = "closed";
  if (auto it = body->find("reason"); it != body->end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().empty() ||
        it->get_ref<const std::string&>().size() > max_reason_length) {
      co_return error_response(make_error(errc::invalid_field, "reason must be a string of 1-64 characters", "reason"));
    }
    reason = it->get<std::string>();
  }
  auto rec = co_await find_lead(env, ctx);
  if (!rec) co_return std::move(rec.error());
  // Agents release their own leads only; admins any lead, waiting ones too (a member they
  // name must own it).
  auto member = who->role == admin_role::admin ? body_member(*body) : acting_member(*who, *body, {});
  if (!member) co_return error_response(member.error());
  if (!member->empty() && *member != rec->member) {
    auto err = make_error(errc::forbidden, "lead '" + rec->lead_id + "' is not assigned to '" + *member + "'");
    co_return error_response(err);
  }
  const store::clock_point now = now_point(env);
  // The owner is checked again inside the script: the lead may have moved since it was read.
  auto r = co_await store::async_release(*ctx.redis, env.store, rec->event_id, reason, now, *member);
  if (!r) {
    if (r.error().code == errc::forbidden) {
      auto err = make_error(errc::forbidden, "lead '" + rec->lead_id + "' is not assigned to '" + *member + "'");
      co_return error_response(err);
    }
    co_return error_response(r.error());
  }
  json drained = json::array();
  for (const auto& a : *r) drained.push_back(assignment_json(a));
  json out{{"lead_id", rec->lead_id},
           {"team", rec->team},
           {"member", rec->member},
           {"state", "closed"},
           {"already_closed", rec->state == "closed"},
           {"reason", reason},
           {"drained", std::move(drained)}};
  co_return ok_json(out);
}

}  // namespace

void add_team_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth) {
  store::assign_options so;
  so.tenant = cfg.tenant;
  auto env = std::make_shared<team_env>(team_env{cfg.time_zone, so, std::move(auth)});
  r.add(http::verb::post, "/v1/teams/{team}/claim", [env](request_context& ctx) { return claim(*env, ctx); });
  r.add(http::verb::post, "/v1/leads/{lead_id}/accept", [env](request_context& ctx) { return accept(*env, ctx); });
  r.add(http::verb::post, "/v1/leads/{lead_id}/release",
        [env](request_context& ctx) { return release(*env, ctx); });
}

}  // namespace lg::gateway
