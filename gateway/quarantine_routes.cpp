// GET /admin/v1/quarantine?limit=N&after=<id>: what the gateway and the processing worker
// kept in lg:{t}:quarantine, newest first, one bounded page at a time. `next` is the id to pass
// as `after` for the following (older) page; null on the last page.
#include "gateway/routes.hpp"

#include "gateway/query.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

#include <charconv>
#include <memory>

namespace lg::gateway {
namespace {

using core::errc;
using core::make_error;

constexpr std::size_t default_limit = 50;
constexpr std::size_t max_limit = 200;

// "<ms>-<seq>" or "<ms>", digits only: a stream id as Redis writes it.
bool valid_stream_id(std::string_view id) {
  if (id.empty() || id.size() > 41) return false;
  const auto dash = id.find('-');
  auto digits = [](std::string_view s) {
    if (s.empty() || s.size() > 20) return false;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (dash == std::string_view::npos) return digits(id);
  return digits(id.substr(0, dash)) && digits(id.substr(dash + 1));
}

struct quarantine_env {
  const config::config& cfg;
  std::shared_ptr<const admin_auth> auth;
};

awaitable<response> list_quarantine(const quarantine_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  auto q = parse_query(ctx.query);
  if (!q) co_return error_response(q.error());

  std::size_t limit = default_limit;
  if (auto it = q->find("limit"); it != q->end()) {
    const auto& v = it->second;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), limit);
    if (ec != std::errc{} || p != v.data() + v.size() || limit < 1 || limit > max_limit) {
      co_return error_response(
          make_error(errc::invalid_field, "limit must be 1.." + std::to_string(max_limit), "limit"));
    }
  }
  std::string start = "+";
  if (auto it = q->find("after"); it != q->end()) {
    if (!valid_stream_id(it->second)) {
      co_return error_response(make_error(errc::invalid_field, "after must be an entry id such as 1717000000000-0", "after"));
    }
    start = "(" + it->second;  // exclusive: the page starts below the last id seen
  }

  std::vector<std::string> cmd{"XREVRANGE", store::keys::quarantine(env.cfg.tenant), start, "-", "COUNT",
                               std::to_string(limit)};
  auto r = co_await ctx.redis->async_exec(std::move(cmd));
  if (!r || r->is_error()) {
    auto res = error_response(http::status::service_unavailable,
                              make_error(errc::unavailable, r ? "redis refused: " + r->str : "redis unavailable"));
    res.set(http::field::retry_after, "5");
    co_return res;
  }

  nlohmann::json entries = nlohmann::json::array();
  std::string last;
  for (const auto& e : r->elements) {
    if (e.elements.size() != 2) continue;
    nlohmann::json fields = nlohmann::json::object();
    const auto& kv = e.elements[1].elements;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) fields[kv[i].str] = kv[i + 1].str;
    last = e.elements[0].str;
    entries.push_back(nlohmann::json{{"id", last}, {"fields", std::move(fields)}});
  }
  const bool full_page = entries.size() == limit && !last.empty();
  nlohmann::json body{{"entries", std::move(entries)}};
  body["next"] = full_page ? nlohmann::json(last) : nlohmann::json(nullptr);
  // Quarantined bodies are whatever a provider sent: invalid UTF-8 is replaced, never fatal.
  co_return json_response(http::status::ok, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

void add_quarantine_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth) {
  auto env = std::make_shared<quarantine_env>(quarantine_env{cfg, std::move(auth)});
  r.add(http::verb::get, "/admin/v1/quarantine", [env](request_context& ctx) { return list_quarantine(*env, ctx); });
}

}  // namespace lg::gateway
