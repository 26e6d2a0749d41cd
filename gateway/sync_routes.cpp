// POST /v1/sync/{destination}: a change notification from a system that pushes (a CRM workflow
// or logic hook). Authenticated with `Authorization: Bearer <options.notify_secret>` of that
// destination (compared in constant time). The body is never trusted as data: it only asks for
// a pull, so the record is read back from the CRM by the destination's poller (which runs at
// once: HSET lg:{t}:sync:<d> poke 1). Answers 202 {"status":"pull_scheduled"}.
#include "gateway/routes.hpp"

#include "core/digest.hpp"
#include "webhooks/connectors/sugarcrm/sugarcrm_poller.hpp"

#include <nlohmann/json.hpp>

namespace lg::gateway {
namespace {

using core::errc;
using core::make_error;

constexpr std::size_t max_body = 64 * 1024;

awaitable<response> notify(const config::config& cfg, request_context& ctx) {
  const auto* d = cfg.find_destination(ctx.param("destination"));
  if (!d || !d->enabled)
    co_return error_response(make_error(errc::not_found,
                                        "no destination '" + std::string(ctx.param("destination")) + "'",
                                        "destination"));
  const auto secret = d->credentials.find("notify_secret");
  if (d->direction != "two_way" || secret == d->credentials.end())
    co_return error_response(make_error(errc::forbidden,
                                        "destination '" + d->id +
                                            "' takes no change notifications (needs direction two_way and "
                                            "options.notify_secret)",
                                        "destination"));
  const auto raw_auth = ctx.req[http::field::authorization];
  const std::string_view auth(raw_auth.data(), raw_auth.size());
  constexpr std::string_view bearer = "Bearer ";
  if (auth.size() <= bearer.size() || !auth.starts_with(bearer) ||
      !core::equal_constant_time(auth.substr(bearer.size()), secret->second)) {
    auto res = error_response(make_error(errc::unauthorized, "missing or wrong bearer token", "authorization"));
    res.set(http::field::www_authenticate, "Bearer");
    co_return res;
  }
  const auto& body = ctx.req.body();
  if (body.size() > max_body)
    co_return error_response(make_error(errc::payload_too_large, "notification body over 64 KiB"));
  if (!body.empty()) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      co_return error_response(make_error(errc::bad_request, "body must be a JSON object (or empty)"));
  }
  auto poked = co_await webhooks::sugarcrm::async_poke(*ctx.redis, cfg.tenant, d->id);
  if (!poked) {
    auto res = error_response(http::status::service_unavailable, make_error(errc::unavailable, "redis unavailable"));
    res.set(http::field::retry_after, "5");
    co_return res;
  }
  co_return json_response(http::status::accepted, R"({"status":"pull_scheduled"})");
}

}  // namespace

void add_sync_routes(router& r, const config::config& cfg) {
  r.add(http::verb::post, "/v1/sync/{destination}",
        [&cfg](request_context& ctx) -> awaitable<response> { return notify(cfg, ctx); });
}

}  // namespace lg::gateway
