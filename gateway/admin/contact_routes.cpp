// GET /admin/v1/contacts/{id} and GET /admin/v1/contacts?phone=…|email=…|zalo=…|facebook=…|q=…
// over gateway/admin/contacts_api.hpp, for any admin token (viewer and above).
#include "gateway/query.hpp"
#include "gateway/routes.hpp"

#include "gateway/admin/contacts_api.hpp"

namespace lg::gateway {
namespace {

response to_response(api_response r) {
  response res{static_cast<http::status>(r.status), 11};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body() = std::move(r.body);
  return res;
}

struct contact_env {
  std::string tenant;
  std::shared_ptr<const admin_auth> auth;
};

awaitable<response> get_contact(const contact_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::viewer);
  if (!who) co_return auth_error_response(who.error());
  auto query = parse_query(ctx.query);
  if (!query) co_return error_response(query.error());
  auto r = co_await handle_get_contact(*ctx.redis, env.tenant, ctx.param("id"), *query);
  co_return to_response(std::move(r));
}

awaitable<response> find_contacts(const contact_env& env, request_context& ctx) {
  auto who = env.auth->check(ctx.req, admin_role::viewer);
  if (!who) co_return auth_error_response(who.error());
  auto query = parse_query(ctx.query);
  if (!query) co_return error_response(query.error());
  auto r = co_await handle_find_contacts(*ctx.redis, env.tenant, *query);
  co_return to_response(std::move(r));
}

}  // namespace

void add_contact_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth) {
  auto env = std::make_shared<contact_env>(contact_env{cfg.tenant, std::move(auth)});
  r.add(http::verb::get, "/admin/v1/contacts", [env](request_context& ctx) { return find_contacts(*env, ctx); });
  r.add(http::verb::get, "/admin/v1/contacts/{id}", [env](request_context& ctx) { return get_contact(*env, ctx); });
}

}  // namespace lg::gateway
