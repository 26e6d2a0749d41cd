// Operations endpoints: liveness, readiness (this thread's Redis answers PING), Prometheus
// metrics, a JSON index of the API, and the thank-you page the default config points at.
#include "gateway/routes.hpp"
#include "spool/spool.hpp"

#include "logging/logging.hpp"
#include "store/team_view.hpp"

#include <nlohmann/json.hpp>

#ifndef LG_VERSION
#define LG_VERSION "0.0.0"
#endif

namespace lg::gateway {
namespace {

constexpr std::string_view thanks_html = R"(<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Cảm ơn bạn! / Thank you!</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}p{line-height:1.5}</style>
</head>
<body>
<h1>Cảm ơn bạn đã đăng ký!</h1>
<p>Chúng tôi đã nhận được thông tin của bạn. Tư vấn viên sẽ liên hệ với bạn trong thời gian sớm nhất.</p>
<h1 lang="en">Thank you for registering!</h1>
<p lang="en">We have received your details. An advisor will contact you shortly.</p>
</body>
</html>
)";

// GCC 12 miscompiles string literals passed straight into a co_return expression, so the
// bodies are named constants.
constexpr std::string_view alive_body = R"({"status":"ok"})";
constexpr std::string_view ready_body = R"({"status":"ready","redis":"up"})";
constexpr std::string_view not_ready_body = R"({"status":"unavailable","redis":"down"})";

// Ready: Redis answers. Degraded (still 200: a load balancer keeps sending leads): Redis does
// not answer but the spool takes leads, or the spool still holds leads to drain. Unavailable
// (503): Redis does not answer and there is no spool, or it is past a bound.
awaitable<response> readyz(metrics& stats, request_context& ctx) {
  auto* redis = ctx.redis;
  const bool ok = redis && co_await store::async_ping(*redis);
  if (redis) stats.sync_redis(ctx.worker_index, *redis);
  const auto* sp = ctx.spool;
  if (!sp || (ok && !sp->pending())) {
    if (ok) co_return json_response(http::status::ok, std::string(ready_body));
    auto res = json_response(http::status::service_unavailable, std::string(not_ready_body));
    res.set(http::field::retry_after, "5");
    co_return res;
  }
  const auto report = sp->report();
  const bool takes_leads = ok || !sp->full();
  nlohmann::json body{{"status", takes_leads ? "degraded" : "unavailable"},
                      {"redis", ok ? "up" : "down"},
                      {"spool", {{"records", report.records}, {"bytes", report.bytes}, {"full", sp->full()}}}};
  auto res = json_response(takes_leads ? http::status::ok : http::status::service_unavailable, body.dump());
  if (!takes_leads) res.set(http::field::retry_after, "5");
  co_return res;
}

}  // namespace

void add_ops_routes(router& r, const config::config& cfg, metrics& stats) {
  r.add(http::verb::get, "/healthz", [](request_context&) -> awaitable<response> {
    auto res = json_response(http::status::ok, std::string(alive_body));
    co_return res;
  });
  r.add(http::verb::get, "/readyz", [&stats](request_context& ctx) { return readyz(stats, ctx); });
  store::assign_options assign;
  assign.tenant = cfg.tenant;
  stats.watch_queues(assign, cfg.time_zone);
  r.add(http::verb::get, "/metrics", [&stats](request_context& ctx) -> awaitable<response> {
    if (ctx.redis) {
      co_await stats.async_refresh_assignments(*ctx.redis);
      co_await stats.async_refresh_processing(*ctx.redis);
      stats.sync_redis(ctx.worker_index, *ctx.redis);
    }
    response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = stats.serialize();
    co_return res;
  });

  // The index is the same for every request: render it once.
  nlohmann::json index = {
      {"name", "leadgate"},
      {"version", LG_VERSION},
      {"endpoints", {"/v1/forms/{source}", "/healthz", "/readyz", "/metrics"}},
  };
  auto& sources = index["sources"] = nlohmann::json::array();
  for (const auto& src : cfg.sources) {
    if (!src.enabled) continue;
    sources.push_back({{"id", src.id}, {"channel", src.channel}});
  }
  auto index_body = std::make_shared<const std::string>(index.dump());
  r.add(http::verb::get, "/", [index_body](request_context&) -> awaitable<response> {
    auto res = json_response(http::status::ok, *index_body);
    co_return res;
  });
  r.add(http::verb::get, "/thanks", [](request_context&) -> awaitable<response> {
    response res{http::status::ok, 11};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.body() = std::string(thanks_html);
    co_return res;
  });
}

}  // namespace lg::gateway
