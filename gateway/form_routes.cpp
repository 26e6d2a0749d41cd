// POST /v1/forms/{source}: web forms and landing pages. The request path does only what
// the answer needs: find the source, check origin and token, parse and normalize (the
// adapter), and the durable accept in Redis; everything else happens behind the stream.
#include "gateway/routes.hpp"
#include "core/json_text.hpp"

#include "gateway/hook_support.hpp"

#include "adapters/web_form/web_form.hpp"
#include "gateway/cors.hpp"
#include "core/lead_id.hpp"
#include "logging/logging.hpp"
#include "core/time_format.hpp"
#include "spool/durable_accept.hpp"
#include "store/inbound_log.hpp"

#include <boost/beast/core/string.hpp>

namespace lg::gateway {
namespace {

namespace beast = boost::beast;
using core::errc;
using core::make_error;

struct form_env {
  const config::config& cfg;
  metrics& stats;
  proxy_list proxies;
  // The input-name table of every form source, built once (config does not change at run time).
  std::map<std::string, adapters::web_form::field_mapping, std::less<>> mappings;
};

bool form_channel(std::string_view ch) { return ch == "web_form" || ch == "landing_page"; }

const config::source_config* find_form_source(const config::config& cfg, std::string_view id) {
  const auto* src = cfg.find_source(id);
  if (!src || !src->enabled || !form_channel(src->channel)) return nullptr;
  return src;
}

response unknown_source() { return error_response(make_error(errc::not_found, "unknown source", "source")); }

bool wants_html(const request& req) {
  const auto accept = req[http::field::accept];
  return accept.find("text/html") != std::string_view::npos;
}

// An API idempotency key: 1-200 visible ASCII characters, so it is safe inside a Redis key.
bool valid_idempotency_key(std::string_view k) {
  if (k.empty() || k.size() > 200) return false;
  for (unsigned char c : k) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

std::string lead_body(std::string_view lead_id, std::string_view status) {
  std::string body = "{\"lead_id\":\"";
  logging::append_json_escaped(body, lead_id);
  body += "\",\"status\":\"";
  body += status;
  body += "\"}";
  return body;
}

// The success answer: a browser posting a form goes to the thank-you page; anything else
// (fetch, server-to-server) gets JSON.
response success(const config::source_config& src, const request& req, std::string_view lead_id, bool duplicate) {
  if (wants_html(req) && !src.thank_you_url.empty()) {
    response res{http::status::see_other, 11};
    res.set(http::field::location, src.thank_you_url);
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.body() = "<a href=\"" + src.thank_you_url + "\">Continue</a>";
    return res;
  }
  return json_response(duplicate ? http::status::ok : http::status::accepted,
                       lead_body(lead_id, duplicate ? "duplicate" : "accepted"));
}

awaitable<response> post_form(const form_env& env, request_context& ctx) {
  const auto source_id = ctx.param("source");
  const auto* src = find_form_source(env.cfg, source_id);
  if (!src) co_return unknown_source();
  const auto origin = ctx.req[http::field::origin];
  const bool cors_ok = cors::origin_allowed(src->cors_origins, origin);
  auto finish = [&](response res) {
    if (cors_ok) {
      res.set(http::field::access_control_allow_origin, origin);
      res.set(http::field::vary, "Origin");
    }
    return res;
  };

  const std::string idem_header(ctx.req["Idempotency-Key"]);
  auto in = hooks::make_inbound(ctx, source_id, env.proxies);
  if (!adapters::web_form::token_ok(*src, in)) {
    co_return finish(error_response(make_error(errc::unauthorized, "missing or wrong token", "token")));
  }
  const auto mapping = env.mappings.find(src->id);
  auto parsed = mapping != env.mappings.end() ? adapters::web_form::parse_form(*src, mapping->second, in)
                                              : adapters::web_form::parse_form(*src, in);
  if (!parsed) co_return finish(error_response(parsed.error()));

  if (parsed->honeypot) {
    // Answer like a success so the bot learns nothing; store nothing.
    env.stats.honeypot(src->id);
    co_return finish(success(*src, ctx.req, core::new_lead_id(), false));
  }

  std::string idem_key = parsed->event.event_id;
  std::chrono::milliseconds window = src->dedupe_window;
  if (!idem_header.empty()) {
    if (!valid_idempotency_key(idem_header)) {
      co_return finish(error_response(
          make_error(errc::invalid_field, "Idempotency-Key must be 1-200 visible ASCII characters", "Idempotency-Key")));
    }
    idem_key = "api:" + src->id + ":" + idem_header;
    window = std::chrono::hours(24);
  }
  auto& event = parsed->event;
  auto result = co_await spool::async_durable_accept_event(*ctx.redis, ctx.spool, env.cfg.tenant, event,
                                                           std::move(idem_key), window,
                                                           hooks::accept_limits(env.cfg.redis), ctx.received_at);
  if (!result) co_return finish(hooks::store_error_response(result.error()));
  const bool duplicate = result->accepted.duplicate;
  if (duplicate) {
    env.stats.lead_duplicate(src->id);
  } else {
    env.stats.lead_accepted(src->id);
  }
  co_return finish(success(*src, ctx.req, event.lead_id, duplicate));
}

awaitable<response> preflight(const form_env& env, request_context& ctx) {
  const auto* src = find_form_source(env.cfg, ctx.param("source"));
  if (!src) co_return unknown_source();
  const auto origin = ctx.req[http::field::origin];
  if (!cors::origin_allowed(src->cors_origins, origin)) {
    co_return error_response(make_error(errc::forbidden, "origin not allowed for this source", "origin"));
  }
  response res{http::status::no_content, 11};
  res.set(http::field::access_control_allow_origin, origin);
  res.set(http::field::vary, "Origin");
  res.set(http::field::access_control_allow_methods, cors::allow_methods);
  res.set(http::field::access_control_allow_headers, cors::allow_headers);
  res.set(http::field::access_control_max_age, cors::max_age);
  co_return res;
}

}  // namespace

void add_form_routes(router& r, const config::config& cfg, metrics& stats, proxy_list proxies) {
  auto env = std::make_shared<form_env>(form_env{cfg, stats, std::move(proxies), {}});
  for (const auto& src : cfg.sources) {
    if (form_channel(src.channel)) env->mappings.emplace(src.id, adapters::web_form::field_mapping(src));
  }
  r.add(http::verb::post, "/v1/forms/{source}", [env](request_context& ctx) { return post_form(*env, ctx); });
  r.add(http::verb::options, "/v1/forms/{source}", [env](request_context& ctx) { return preflight(*env, ctx); });
}

}  // namespace lg::gateway
