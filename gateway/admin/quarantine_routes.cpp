// GET /admin/v1/quarantine?limit=N&after=<id>: what the gateway and the processing worker
// kept in lg:{t}:quarantine, newest first, one bounded page at a time. `next` is the id to pass
// as `after` for the following (older) page; null on the last page.
#include "gateway/routes.hpp"
#include "core/json_text.hpp"

#include "gateway/query.hpp"
#include "store/quarantine.hpp"

#include <memory>

namespace lg::gateway {
namespace {

using core::errc;
using core::make_error;

constexpr std::size_t default_limit = 50;
constexpr std::size_t max_limit = 200;

// "<ms>-<seq>" or "<ms>", digits only: a stream id as Redis writes it.
struct quarantine_env {
  const config::config& cfg;
  std::shared_ptr<const admin_auth> auth;
};

awaitable<response> list_quarantine(const quarantine_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  auto page = stream_page_param(ctx.query, default_limit, max_limit);
  if (!page) co_return error_response(page.error());
  // Exclusive: the page starts below the last id seen.
  auto r = co_await store::async_quarantine_page(*ctx.redis, env.cfg.tenant, page->after, page->limit);
  if (!r) {
    auto res = error_response(http::status::service_unavailable, make_error(errc::unavailable, r.error().message));
    res.set(http::field::retry_after, "5");
    co_return res;
  }
  nlohmann::json entries = nlohmann::json::array();
  std::string last;
  for (const auto& e : *r) {
    nlohmann::json fields = nlohmann::json::object();
    for (const auto& [k, v] : e.fields) fields[k] = v;
    last = e.id;
    entries.push_back(nlohmann::json{{"id", last}, {"fields", std::move(fields)}});
  }
  const bool full_page = entries.size() == page->limit && !last.empty();
  nlohmann::json body{{"entries", std::move(entries)}};
  body["next"] = full_page ? nlohmann::json(last) : nlohmann::json(nullptr);
  // Quarantined bodies are whatever a provider sent: invalid UTF-8 is replaced, never fatal.
  co_return json_response(http::status::ok, core::json_text(body));
}

}  // namespace

void add_quarantine_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth) {
  auto env = std::make_shared<quarantine_env>(quarantine_env{cfg, std::move(auth)});
  r.add(http::verb::get, "/admin/v1/quarantine", [env](request_context& ctx) { return list_quarantine(*env, ctx); });
}

}  // namespace lg::gateway
