// See admin_edit.hpp.
#include "gateway/admin/edit.hpp"
#include "core/json_text.hpp"

#include "gateway/hook_support.hpp"
#include "gateway/query.hpp"
#include "pipeline/rules_watcher.hpp"
#include "core/time_format.hpp"

#include <charconv>
#include <chrono>

namespace lg::gateway::admin_edit {

using nlohmann::json;


response ok_json(http::status status, const json& body) {
  auto res = json_response(status, core::json_text(body));
  res.set(http::field::cache_control, "no-store");
  return res;
}

response problems_response(const std::vector<std::string>& problems) {
  std::string message;
  for (const auto& p : problems) {
    if (!message.empty()) message += "; ";
    message += p;
  }
  if (message.empty()) message = "invalid";
  const std::string field = problems.empty() ? "" : problems.front().substr(0, problems.front().find(':'));
  json body{{"error", {{"code", "invalid_field"}, {"message", message}, {"field", field}}}, {"problems", problems}};
  return json_response(http::status::bad_request, core::json_text(body));
}

response store_failure(const core::error& err) { return hooks::store_error_response(err); }

std::string audit_detail(const json& before, const json& after, json extra) {
  json detail = extra.is_object() ? std::move(extra) : json::object();
  json patch = json::diff(before, after);
  if (core::json_text(patch).size() <= max_diff_bytes) {
    detail["diff"] = std::move(patch);
  } else {
    detail["diff_operations"] = patch.size();
    detail["diff_truncated"] = true;
  }
  return core::json_text(detail);
}

routing_env::routing_env(const config::config& c, std::shared_ptr<const admin_auth> a, std::shared_ptr<live_rules> l)
    : cfg(c), auth(std::move(a)), live(std::move(l)) {
  store.tenant = c.tenant;
  assign.tenant = c.tenant;
}

awaitable<std::expected<void, core::error>> async_ensure_seeded(routing_env& env, store::redis_client& redis) {
  if (env.seeded) co_return std::expected<void, core::error>{};
  auto r = co_await pipeline::async_seed_routing(redis, env.cfg);
  if (r) env.seeded = true;
  co_return r;
}

std::expected<std::size_t, core::error> page_limit(std::string_view query, std::size_t def, std::size_t max) {
  auto q = parse_query(query);
  if (!q) return std::unexpected(q.error());
  return number_param(*q, "limit", def, 1, max);
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string rfc3339(std::int64_t ms) {
  return core::format_rfc3339_ms(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

}  // namespace lg::gateway::admin_edit
