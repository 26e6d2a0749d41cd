// POST /v1/leads: the partner API. The API key names the partner's source (channel "api");
// one lead or a batch of up to 500, each item validated, accepted durably and answered with its
// own status. Idempotency-Key covers the whole request: a retried request answers every item
// with the lead id of its first delivery instead of adding stream entries.
#include "gateway/routes.hpp"
#include "core/json_text.hpp"

#include "adapters/partner_api/partner_api.hpp"
#include "gateway/hook_support.hpp"
#include "spool/durable_accept.hpp"
#include "logging/logging.hpp"

#include <memory>
#include <vector>

namespace lg::gateway {
namespace {

using core::errc;
using core::make_error;
namespace partner_api = adapters::partner_api;

// How long an item's idempotency key answers a retry.
constexpr std::chrono::hours partner_idempotency_window{24};

struct partner {
  const config::source_config* src = nullptr;
  partner_api::options opt;
};

struct partner_env {
  const config::config& cfg;
  metrics& stats;
  proxy_list proxies;
  std::vector<partner> partners;
};

// 1-200 visible ASCII characters, so it is safe inside a Redis key.
bool valid_idempotency_key(std::string_view k) {
  if (k.empty() || k.size() > 200) return false;
  for (unsigned char c : k) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

// Every partner's hashes are checked, so the time taken does not tell which partner matched.
const partner* find_partner(const partner_env& env, std::string_view key) {
  const partner* found = nullptr;
  for (const auto& p : env.partners) {
    if (partner_api::key_matches(p.opt, key) && found == nullptr) found = &p;
  }
  return found;
}

awaitable<response> post_leads(const partner_env& env, request_context& ctx) {
  auto in = hooks::make_inbound(ctx, "", env.proxies);
  const auto key = partner_api::presented_key(in);
  const partner* p = key ? find_partner(env, *key) : nullptr;
  if (p == nullptr) {
    env.stats.signature_failure("api");
    co_return error_response(make_error(errc::unauthorized, key ? "unknown API key" : "missing API key",
                                        "Authorization"));
  }
  const auto& src = *p->src;
  std::string idem;
  if (auto h = in.header("idempotency-key")) {
    idem = std::string(*h);
    if (!valid_idempotency_key(idem)) {
      co_return error_response(make_error(errc::invalid_field, "Idempotency-Key must be 1-200 visible ASCII characters",
                                          "Idempotency-Key"));
    }
  }

  partner_api::parse_context pc{src.id, in.received_at, in.remote_ip, in.user_agent};
  auto parsed = partner_api::parse(in.body, pc);
  if (!parsed) co_return error_response(parsed.error());

  nlohmann::json results = nlohmann::json::array();
  std::size_t accepted = 0;
  std::size_t duplicates = 0;
  std::size_t errors = 0;
  for (std::size_t i = 0; i < parsed->items.size(); ++i) {
    auto& item = parsed->items[i];
    if (!item.event) {
      ++errors;
      results.push_back(partner_api::item_status(i, item));
      continue;
    }
    auto& event = *item.event;
    // The partner's external_id keys the event whatever the Idempotency-Key; otherwise the
    // Idempotency-Key and the item's position do, and without either every post is new.
    std::string idem_key = event.event_id;
    if (!idem.empty() && event.extra.find("external_id") == event.extra.end()) {
      idem_key = "api:" + src.id + ":idem:" + idem + ":" + std::to_string(i);
    }
    auto r = co_await spool::async_durable_accept_event(*ctx.redis, ctx.spool, env.cfg.tenant, event,
                                                        std::move(idem_key), partner_idempotency_window,
                                                        hooks::accept_limits(env.cfg.redis), ctx.received_at);
    // Items accepted before the failure are safe to send again: their keys answer the retry.
    if (!r) co_return hooks::store_error_response(r.error());
    auto status = partner_api::item_status(i, item, event.lead_id);
    if (r->accepted.duplicate) {
      ++duplicates;
      status["status"] = "duplicate";
      env.stats.lead_duplicate(src.id);
    } else {
      ++accepted;
      env.stats.lead_accepted(src.id);
    }
    results.push_back(std::move(status));
  }

  if (!parsed->batch) {
    const auto& only = parsed->items.front();
    if (only.error) co_return error_response(*only.error);
    auto body = results.front();
    body.erase("index");
    co_return json_response(duplicates > 0 ? http::status::ok : http::status::accepted, body.dump());
  }
  nlohmann::json body{{"accepted", accepted}, {"duplicates", duplicates}, {"errors", errors},
                      {"results", std::move(results)}};
  co_return json_response(http::status::ok,
                          core::json_text(body));
}

}  // namespace

void add_partner_routes(router& r, const config::config& cfg, metrics& stats, proxy_list proxies) {
  auto env = std::make_shared<partner_env>(partner_env{cfg, stats, std::move(proxies), {}});
  for (std::size_t i = 0; i < cfg.sources.size(); ++i) {
    const auto& src = cfg.sources[i];
    if (!src.enabled || src.channel != "api") continue;
    env->partners.push_back(
        partner{&src, partner_api::parse_options(src.options, "sources[" + std::to_string(i) + "].options")});
  }
  r.add(http::verb::post, "/v1/leads", [env](request_context& ctx) { return post_leads(*env, ctx); });
}

}  // namespace lg::gateway
