// The rule store: rules_put.lua / rules_team.lua for writes, plain reads otherwise.
#include "store/rule_store.hpp"

#include "rules_put.hpp"
#include "rules_team.hpp"
#include "store/keys.hpp"
#include "store/lua_script.hpp"

#include <algorithm>

namespace lg::store {
namespace {

using core::errc;
using core::make_error;

// A field of lg:{t}:teamdefs that no team id can be (ids are [a-z0-9_.-]): set once the
// definitions were seeded, so a tenant whose admins deleted every team is not seeded again.
const std::string seeded_field = "~seeded";

const lua_script& put_script() {
  static const lua_script script{lua::rules_put};
  return script;
}
const lua_script& team_script() {
  static const lua_script script{lua::rules_team};
  return script;
}

core::error redis_error(const redis_reply& r) { return make_error(errc::unavailable, "redis refused: " + r.str); }

std::int64_t to_int(const redis_reply& r) { return r.as_integer().value_or(0); }

awaitable<std::expected<redis_reply, core::error>> exec(redis_client& redis, std::vector<std::string> cmd) {
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return std::unexpected(redis_error(*r));
  co_return std::move(*r);
}

}  // namespace

rules_put_call make_rules_put_call(const rule_store_options& opts, std::int64_t expected_version,
                                   const std::string& rules_json, const std::string& author, std::int64_t now_ms,
                                   const std::string& action, const std::string& detail_json) {
  rules_put_call c;
  c.keys = {keys::rules(opts.tenant), keys::rules_history(opts.tenant), keys::audit(opts.tenant)};
  c.args = {std::to_string(expected_version),
            rules_json,
            author,
            std::to_string(now_ms),
            std::to_string(std::max<std::size_t>(opts.history_versions, 1)),
            action,
            detail_json,
            std::to_string(opts.audit_max_length),
            keys::rules_channel(opts.tenant)};
  return c;
}

awaitable<std::expected<std::optional<rule_version>, core::error>> async_current_rules(
    redis_client& redis, const rule_store_options& opts) {
  std::vector<std::string> cmd{"HMGET", keys::rules(opts.tenant), "v", "json", "by", "at"};
  auto r = co_await exec(redis, std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (!r->is_array() || r->elements.size() != 4) {
    co_return std::unexpected(make_error(errc::internal, "rules: unexpected reply to HMGET"));
  }
  std::optional<rule_version> out;
  if (r->elements[0].is_nil()) co_return out;
  out.emplace();
  out->version = to_int(r->elements[0]);
  out->json = r->elements[1].str;
  out->author = r->elements[2].str;
  out->at_ms = to_int(r->elements[3]);
  co_return out;
}

awaitable<std::expected<std::int64_t, core::error>> async_rules_version(redis_client& redis,
                                                                       const rule_store_options& opts) {
  std::vector<std::string> cmd{"HGET", keys::rules(opts.tenant), "v"};
  auto r = co_await exec(redis, std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  co_return r->is_nil() ? std::int64_t{0} : to_int(*r);
}

awaitable<std::expected<put_outcome, core::error>> async_put_rules(redis_client& redis, const rule_store_options& opts,
                                                                  std::int64_t expected_version,
                                                                  const std::string& rules_json,
                                                                  const std::string& author, std::int64_t now_ms,
                                                                  const std::string& action,
                                                                  const std::string& detail_json) {
  auto call = make_rules_put_call(opts, expected_version, rules_json, author, now_ms, action, detail_json);
  auto r = co_await put_script().async_run(redis, std::move(call.keys), std::move(call.args));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return std::unexpected(redis_error(*r));
  if (!r->is_array() || r->elements.size() != 2) {
    co_return std::unexpected(make_error(errc::internal, "rules_put: unexpected reply"));
  }
  put_outcome out;
  out.conflict = r->elements[0].str == "conflict";
  out.version = to_int(r->elements[1]);
  co_return out;
}

awaitable<std::expected<std::optional<rule_version>, core::error>> async_rules_version(
    redis_client& redis, const rule_store_options& opts, std::int64_t version) {
  const std::string v = std::to_string(version);
  std::vector<std::string> cmd{"HMGET", keys::rules_history(opts.tenant), v, v + ":by", v + ":at"};
  auto r = co_await exec(redis, std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  std::optional<rule_version> out;
  if (!r->is_array() || r->elements.size() != 3 || r->elements[0].is_nil()) co_return out;
  out.emplace();
  out->version = version;
  out->json = r->elements[0].str;
  out->author = r->elements[1].str;
  out->at_ms = to_int(r->elements[2]);
  co_return out;
}

awaitable<std::expected<std::vector<rule_version>, core::error>> async_rules_history(
    redis_client& redis, const rule_store_options& opts, std::size_t limit) {
  std::vector<rule_version> out;
  std::vector<std::string> vcmd{"HGET", keys::rules(opts.tenant), "v"};
  auto cur = co_await exec(redis, std::move(vcmd));
  if (!cur) co_return std::unexpected(cur.error());
  const std::int64_t newest = to_int(*cur);
  if (newest <= 0 || limit == 0) co_return out;
  std::vector<std::string> cmd{"HMGET", keys::rules_history(opts.tenant)};
  std::vector<std::int64_t> versions;
  for (std::int64_t v = newest; v > 0 && versions.size() < limit; --v) {
    versions.push_back(v);
    cmd.push_back(std::to_string(v) + ":by");
    cmd.push_back(std::to_string(v) + ":at");
  }
  auto r = co_await exec(redis, std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (!r->is_array() || r->elements.size() != versions.size() * 2) {
    co_return std::unexpected(make_error(errc::internal, "rules history: unexpected reply to HMGET"));
  }
  for (std::size_t i = 0; i < versions.size(); ++i) {
    if (r->elements[2 * i + 1].is_nil()) break;  // older than the history keeps
    rule_version rv;
    rv.version = versions[i];
    rv.author = r->elements[2 * i].str;
    rv.at_ms = to_int(r->elements[2 * i + 1]);
    out.push_back(std::move(rv));
  }
  co_return out;
}

awaitable<std::expected<std::map<std::string, std::string>, core::error>> async_team_defs(
    redis_client& redis, const rule_store_options& opts) {
  std::vector<std::string> cmd{"HGETALL", keys::team_defs(opts.tenant)};
  auto r = co_await exec(redis, std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    if (r->elements[i].str == seeded_field) continue;
    out.emplace(r->elements[i].str, r->elements[i + 1].str);
  }
  co_return out;
}

awaitable<std::expected<bool, core::error>> async_team_defs_seeded(redis_client& redis,
                                                                  const rule_store_options& opts) {
  std::vector<std::string> cmd{"HEXISTS", keys::team_defs(opts.tenant), seeded_field};
  auto r = co_await exec(redis, std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  co_return to_int(*r) == 1;
}

awaitable<std::expected<bool, core::error>> async_seed_team_def(redis_client& redis, const rule_store_options& opts,
                                                               const std::string& team, const std::string& json,
                                                               std::int64_t now_ms) {
  std::vector<std::string> ks{keys::team_defs(opts.tenant), keys::audit(opts.tenant)};
  std::vector<std::string> args{"seed", team, json, "config", std::to_string(now_ms), "team.seed", "{}",
                                std::to_string(opts.audit_max_length), seeded_field};
  auto r = co_await team_script().async_run(redis, std::move(ks), std::move(args));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return std::unexpected(redis_error(*r));
  co_return to_int(*r) == 1;
}

awaitable<std::expected<void, core::error>> async_mark_team_defs_seeded(redis_client& redis,
                                                                       const rule_store_options& opts) {
  std::vector<std::string> cmd{"HSET", keys::team_defs(opts.tenant), seeded_field, "1"};
  auto r = co_await exec(redis, std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<bool, core::error>> async_write_team_def(redis_client& redis, const rule_store_options& opts,
                                                                const std::string& team, const std::string& json,
                                                                const std::string& actor, std::int64_t now_ms,
                                                                const std::string& action,
                                                                const std::string& detail_json) {
  std::vector<std::string> ks{keys::team_defs(opts.tenant), keys::audit(opts.tenant)};
  std::vector<std::string> args{json.empty() ? "del" : "put", team, json, actor, std::to_string(now_ms),
                                action, detail_json, std::to_string(opts.audit_max_length)};
  auto r = co_await team_script().async_run(redis, std::move(ks), std::move(args));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return std::unexpected(redis_error(*r));
  co_return to_int(*r) == 1;
}

awaitable<std::expected<std::vector<audit_entry>, core::error>> async_audit_entries(
    redis_client& redis, const rule_store_options& opts, std::size_t limit) {
  std::vector<std::string> cmd{"XREVRANGE", keys::audit(opts.tenant), "+", "-", "COUNT", std::to_string(limit)};
  auto r = co_await exec(redis, std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  std::vector<audit_entry> out;
  for (const auto& e : r->elements) {
    if (e.elements.size() != 2) continue;
    audit_entry a;
    a.id = e.elements[0].str;
    const auto& kv = e.elements[1].elements;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) {
      const auto& k = kv[i].str;
      const auto& v = kv[i + 1];
      if (k == "at") a.at_ms = to_int(v);
      else if (k == "actor") a.actor = v.str;
      else if (k == "action") a.action = v.str;
      else if (k == "target") a.target = v.str;
      else if (k == "version") a.version = v.str;
      else if (k == "detail") a.detail = v.str;
    }
    out.push_back(std::move(a));
  }
  co_return out;
}

}  // namespace lg::store
