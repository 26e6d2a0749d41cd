// The rules admin API (docs/api.md "Routing rules"):
//   GET  /admin/v1/rules                      viewer  the current set, ETag "<version>"
//   PUT  /admin/v1/rules                      admin   a whole new set; If-Match required (428/412)
//   POST /admin/v1/rules/validate             viewer  problems or ok, no side effects
//   POST /admin/v1/rules/test                 viewer  dry-run: trace, team, predicted member
//   GET  /admin/v1/rules/history              viewer  versions, newest first
//   GET  /admin/v1/rules/history/{version}    viewer  one stored version
//   POST /admin/v1/rules/rollback/{version}   admin   a new version equal to an old one
//   GET  /admin/v1/audit                      viewer  who changed what, with the diff
// Writes go through store/rule_store.hpp (one Lua call: version CAS, history, audit, publish).
#include "gateway/routes.hpp"
#include "store/team_view.hpp"

#include "gateway/admin/edit.hpp"
#include "gateway/admin/rules_dry_run.hpp"
#include "pipeline/rules_watcher.hpp"
#include "store/keys.hpp"
#include "store/rule_store.hpp"

#include <algorithm>
#include <charconv>
#include <memory>

namespace lg::gateway {
namespace {

using core::errc;
using core::make_error;
using nlohmann::json;
using namespace admin_edit;

constexpr std::size_t max_history_page = 100;
constexpr std::size_t max_audit_page = 200;

std::expected<json, core::error> parse_body(const request& req) {
  auto j = json::parse(req.body(), nullptr, false);
  if (j.is_discarded()) return std::unexpected(make_error(errc::bad_request, "body must be JSON"));
  if (!j.is_object()) return std::unexpected(make_error(errc::bad_request, "body must be a JSON object"));
  return j;
}

// The rule set of a body: the set itself, or {"rules": <the set>} as GET answers it.
const json& rule_set_of(const json& body) {
  if (auto it = body.find("rules"); it != body.end() && it->is_object()) return *it;
  return body;
}


// parse_rules against the teams that exist now; with no team at all every team is unknown.
std::expected<routing::rule_set, std::vector<std::string>> validate(const json& set,
                                                                    const std::vector<std::string>& teams) {
  auto parsed = routing::parse_rules(set, teams);
  if (!parsed || !teams.empty()) return parsed;
  std::vector<std::string> problems{"default_team: unknown team '" + parsed->default_team + "' (no team exists)"};
  for (std::size_t i = 0; i < parsed->rules.size(); ++i) {
    problems.push_back("rules[" + std::to_string(i) + "].then.team: unknown team '" + parsed->rules[i].then.team +
                       "' (no team exists)");
  }
  return std::unexpected(std::move(problems));
}

// "5", "\"5\"", W/"5", or a comma list of those: the versions an If-Match names.
std::vector<std::int64_t> if_match_versions(std::string_view header) {
  std::vector<std::int64_t> out;
  while (!header.empty()) {
    auto comma = header.find(',');
    std::string_view tag = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(tag.data(), tag.data() + tag.size(), v);
    if (ec == std::errc{} && p == tag.data() + tag.size() && !tag.empty()) out.push_back(v);
  }
  return out;
}

std::string etag(std::int64_t version) {
  // Appends rather than `"\"" + s`: GCC 12 at -O3 raises a false -Wrestrict on the latter.
  std::string out = "\"";
  out += std::to_string(version);
  out += '"';
  return out;
}

// 412 with the current ETag: the client's copy is stale (If-Match names another version, or
// the version moved between the check and the write).
response stale_version(std::string message, std::int64_t current) {
  auto res = error_response(make_error(errc::precondition_failed, std::move(message), "If-Match"));
  res.set(http::field::etag, etag(current));
  return res;
}

bool names_version(const std::vector<std::int64_t>& versions, std::int64_t v) {
  return std::find(versions.begin(), versions.end(), v) != versions.end();
}

std::string not_current_text(std::int64_t current) {
  return "If-Match does not name the current version " + std::to_string(current);
}

response version_response(http::status status, const json& body, std::int64_t version) {
  auto res = json_response(status, core::json_text(body));
  res.set(http::field::etag, etag(version));
  return res;
}

awaitable<response> get_rules(routing_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  if (auto s = co_await async_ensure_seeded(env, *ctx.redis); !s) co_return store_failure(s.error());
  auto cur = co_await store::async_current_rules(*ctx.redis, env.store);
  if (!cur) co_return store_failure(cur.error());
  if (!*cur) {
    co_return error_response(make_error(errc::not_found, "no rules yet: PUT a set with If-Match: \"0\""));
  }
  json rules = json::parse((*cur)->json, nullptr, false);
  json body{{"version", (*cur)->version}, {"updated_by", (*cur)->author}, {"updated_at", rfc3339((*cur)->at_ms)},
            {"rules", std::move(rules)}};
  co_return version_response(http::status::ok, body, (*cur)->version);
}

// Validation against the current teams, shared by PUT and validate.
struct checked {
  json set;
  std::vector<std::string> problems;
};

awaitable<std::expected<checked, core::error>> check_body(routing_env& env, request_context& ctx) {
  auto body = parse_body(ctx.req);
  if (!body) co_return std::unexpected(body.error());
  auto teams = co_await store::async_team_ids(*ctx.redis, env.cfg.tenant);
  if (!teams) co_return std::unexpected(teams.error());
  checked out;
  out.set = rule_set_of(*body);
  auto parsed = validate(out.set, *teams);
  if (!parsed) out.problems = std::move(parsed.error());
  co_return out;
}

// Writes `set` as the version after `expected`; the reply every rules write answers.
awaitable<response> write_rules(routing_env& env, request_context& ctx, const principal& who, std::int64_t expected,
                                const json& before, const json& set, const std::string& action, const json& extra) {
  const std::string detail = audit_detail(before, set, extra);
  const std::string text = core::json_text(set);
  auto put = co_await store::async_put_rules(*ctx.redis, env.store, expected, text, who.name, now_ms(), action, detail);
  if (!put) co_return store_failure(put.error());
  if (put->conflict) {
    co_return stale_version(
        "the rules changed meanwhile: current version is " + std::to_string(put->version) + "; GET them and retry",
        put->version);
  }
  json body{{"version", put->version}, {"updated_by", who.name}};
  if (extra.contains("restored_version")) body["restored_version"] = extra["restored_version"];
  co_return version_response(http::status::ok, body, put->version);
}

awaitable<response> put_rules(routing_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::admin);
  if (!who) co_return auth_error_response(who.error());
  auto match = ctx.req.find(http::field::if_match);
  if (match == ctx.req.end()) {
    co_return error_response(
        http::status::precondition_required,
        make_error(errc::precondition_failed, "If-Match with the ETag of the current rules is required", "If-Match"));
  }
  const auto versions = if_match_versions(match->value());
  if (versions.empty()) {
    co_return error_response(make_error(errc::precondition_failed,
                                        "If-Match must name a version's ETag, e.g. \"3\"", "If-Match"));
  }
  if (auto s = co_await async_ensure_seeded(env, *ctx.redis); !s) co_return store_failure(s.error());
  auto c = co_await check_body(env, ctx);
  if (!c) co_return store_failure(c.error());
  if (!c->problems.empty()) co_return problems_response(c->problems);
  auto cur = co_await store::async_current_rules(*ctx.redis, env.store);
  if (!cur) co_return store_failure(cur.error());
  const std::int64_t current = *cur ? (*cur)->version : 0;
  if (!names_version(versions, current)) co_return stale_version(not_current_text(current), current);
  const json before = *cur ? json::parse((*cur)->json, nullptr, false) : json::object();
  co_return co_await write_rules(env, ctx, *who, current, before, c->set, "rules.put", json::object());
}

awaitable<response> validate_rules(routing_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  if (auto s = co_await async_ensure_seeded(env, *ctx.redis); !s) co_return store_failure(s.error());
  auto c = co_await check_body(env, ctx);
  if (!c) co_return store_failure(c.error());
  json body{{"ok", c->problems.empty()}, {"problems", c->problems}};
  co_return json_response(http::status::ok, core::json_text(body));
}

std::optional<std::int64_t> version_param(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v < 1) return std::nullopt;
  return v;
}

awaitable<response> rules_history(routing_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  auto limit = page_limit(ctx.query, 20, max_history_page);
  if (!limit) co_return error_response(limit.error());
  auto h = co_await store::async_rules_history(*ctx.redis, env.store, *limit);
  if (!h) co_return store_failure(h.error());
  json versions = json::array();
  for (const auto& v : *h) {
    versions.push_back({{"version", v.version}, {"author", v.author}, {"at", rfc3339(v.at_ms)}});
  }
  json body{{"versions", std::move(versions)}};
  co_return json_response(http::status::ok, core::json_text(body));
}

// The stored version the path's {version} names, or the answer saying why there is none.
awaitable<std::expected<store::rule_version, response>> stored_version(routing_env& env, request_context& ctx) {
  auto version = version_param(ctx.param("version"));
  if (!version)
    co_return std::unexpected(
        error_response(make_error(errc::invalid_field, "version must be a positive integer", "version")));
  auto v = co_await store::async_rules_version(*ctx.redis, env.store, *version);
  if (!v) co_return std::unexpected(store_failure(v.error()));
  if (!*v)
    co_return std::unexpected(error_response(
        make_error(errc::not_found, "no version " + std::to_string(*version) + " in the history", "version")));
  co_return std::move(**v);
}

awaitable<response> rules_at(routing_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  auto v = co_await stored_version(env, ctx);
  if (!v) co_return std::move(v.error());
  json body{{"version", v->version}, {"author", v->author}, {"at", rfc3339(v->at_ms)},
            {"rules", json::parse(v->json, nullptr, false)}};
  co_return json_response(http::status::ok, core::json_text(body));
}

awaitable<response> rollback(routing_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::admin);
  if (!who) co_return auth_error_response(who.error());
  if (auto s = co_await async_ensure_seeded(env, *ctx.redis); !s) co_return store_failure(s.error());
  auto old = co_await stored_version(env, ctx);
  if (!old) co_return std::move(old.error());
  const json set = json::parse(old->json, nullptr, false);
  // The teams may have changed since: the old set must still be valid now.
  auto teams = co_await store::async_team_ids(*ctx.redis, env.cfg.tenant);
  if (!teams) co_return store_failure(teams.error());
  if (auto parsed = validate(set, *teams); !parsed) co_return problems_response(parsed.error());
  auto cur = co_await store::async_current_rules(*ctx.redis, env.store);
  if (!cur) co_return store_failure(cur.error());
  const std::int64_t current = *cur ? (*cur)->version : 0;
  if (auto match = ctx.req.find(http::field::if_match); match != ctx.req.end()) {
    if (!names_version(if_match_versions(match->value()), current))
      co_return stale_version(not_current_text(current), current);
  }
  const json before = *cur ? json::parse((*cur)->json, nullptr, false) : json::object();
  json extra{{"restored_version", old->version}, {"replaced_version", current}};
  co_return co_await write_rules(env, ctx, *who, current, before, set, "rules.rollback", extra);
}

awaitable<response> audit(routing_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  auto limit = page_limit(ctx.query, 50, max_audit_page);
  if (!limit) co_return error_response(limit.error());
  auto entries = co_await store::async_audit_entries(*ctx.redis, env.store, *limit);
  if (!entries) co_return store_failure(entries.error());
  json out = json::array();
  for (const auto& e : *entries) {
    json d = json::parse(e.detail, nullptr, false);
    json entry{{"id", e.id},          {"at", rfc3339(e.at_ms)}, {"actor", e.actor},
               {"action", e.action},  {"target", e.target},     {"detail", d.is_discarded() ? json(e.detail) : d}};
    if (auto v = version_param(e.version)) entry["version"] = *v;
    out.push_back(std::move(entry));
  }
  json body{{"entries", std::move(out)}};
  co_return json_response(http::status::ok, core::json_text(body));
}

awaitable<response> dry_run(routing_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  // A fresh tenant: the config's rules and teams first, so the prediction reads real teams.
  if (auto s = co_await async_ensure_seeded(env, *ctx.redis); !s) co_return store_failure(s.error());
  co_return co_await rules_dry_run(env.cfg, env.live, ctx);
}

}  // namespace

void add_admin_rules_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth,
                            std::shared_ptr<live_rules> live) {
  auto env = std::make_shared<routing_env>(cfg, std::move(auth), std::move(live));
  r.add(http::verb::get, "/admin/v1/rules", [env](request_context& ctx) { return get_rules(*env, ctx); });
  r.add(http::verb::put, "/admin/v1/rules", [env](request_context& ctx) { return put_rules(*env, ctx); });
  r.add(http::verb::post, "/admin/v1/rules/validate",
        [env](request_context& ctx) { return validate_rules(*env, ctx); });
  r.add(http::verb::post, "/admin/v1/rules/test", [env](request_context& ctx) { return dry_run(*env, ctx); });
  r.add(http::verb::get, "/admin/v1/rules/history", [env](request_context& ctx) { return rules_history(*env, ctx); });
  r.add(http::verb::get, "/admin/v1/rules/history/{version}",
        [env](request_context& ctx) { return rules_at(*env, ctx); });
  r.add(http::verb::post, "/admin/v1/rules/rollback/{version}",
        [env](request_context& ctx) { return rollback(*env, ctx); });
  r.add(http::verb::get, "/admin/v1/audit", [env](request_context& ctx) { return audit(*env, ctx); });
}

}  // namespace lg::gateway
