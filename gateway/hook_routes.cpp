// POST /v1/hooks/{channel}/{source} (and GET, for Facebook's hub.challenge handshake): the
// webhook channels. Each source's adapter is built once at startup; a request finds its source,
// lets the adapter verify the signature on the raw bytes and parse, then does the durable accept
// of every event and keeps an authentic-but-unparseable payload in the quarantine stream. The
// provider gets its 2xx only after Redis answered.
#include "gateway/routes.hpp"

#include "adapters/adapter.hpp"
#include "gateway/hook_support.hpp"
#include "spool/durable_accept.hpp"
#include "logging/logging.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <memory>

namespace lg::gateway {
namespace {

using core::errc;
using core::make_error;

// The URL segment of a webhook channel, the source channels (config) it serves, and the
// channel name the adapter factory builds.
struct hook_channel {
  std::string_view segment;
  std::array<std::string_view, 2> source_channels;
  std::string_view adapter_channel;
};

constexpr std::array<hook_channel, 5> hook_channels{{
    {"zalo", {"zalo", ""}, "zalo"},
    // One Meta app subscription delivers both Messenger and Lead Ads changes to one URL.
    {"facebook", {"facebook_messenger", "facebook_lead_ads"}, "facebook"},
    {"telephony", {"hotline", ""}, "hotline"},
    {"sms", {"sms", ""}, "sms"},
    {"email", {"email", ""}, "email"},
}};

const hook_channel* channel_of_source(std::string_view source_channel) {
  for (const auto& c : hook_channels) {
    for (auto s : c.source_channels) {
      if (!s.empty() && s == source_channel) return &c;
    }
  }
  return nullptr;
}

struct hook_source {
  const config::source_config* src = nullptr;
  std::string segment;
  std::unique_ptr<adapters::inbound_adapter> adapter;
};

struct hook_env {
  const config::config& cfg;
  metrics& stats;
  proxy_list proxies;
  std::map<std::string, hook_source, std::less<>> sources;
};

response unknown_source() { return error_response(make_error(errc::not_found, "unknown source", "source")); }

response reply_of(const adapters::direct_reply& r) {
  response res{static_cast<http::status>(r.status), 11};
  res.set(http::field::content_type, r.content_type);
  res.body() = r.body;
  return res;
}

std::string ack_body(std::size_t accepted, std::size_t duplicates, std::size_t ignored, bool quarantined) {
  nlohmann::json j{{"status", "ok"},
                   {"accepted", accepted},
                   {"duplicates", duplicates},
                   {"ignored", ignored},
                   {"quarantined", quarantined}};
  return j.dump();
}

awaitable<response> on_hook(const hook_env& env, request_context& ctx) {
  const auto segment = ctx.param("channel");
  const auto source_id = ctx.param("source");
  const auto it = env.sources.find(source_id);
  // A source of another channel answers like an unknown one: the URL names both.
  if (it == env.sources.end() || it->second.segment != segment) co_return unknown_source();
  const hook_source& hs = it->second;
  const std::string& src_id = hs.src->id;

  auto in = hooks::make_inbound(ctx, source_id, env.proxies);
  auto out = hs.adapter->handle(in);
  if (!out) {
    if (out.error().code == errc::unauthorized) {
      env.stats.signature_failure(src_id);
      logging::warn("webhook refused",
                   {{"source", src_id}, {"reason", out.error().message}, {"ip", in.remote_ip}});
    }
    co_return error_response(out.error());
  }
  std::optional<std::string> quarantine_reason = out->quarantine_reason;
  std::size_t accepted = 0;
  std::size_t duplicates = 0;
  const auto window = std::max<std::chrono::milliseconds>(hs.src->dedupe_window, store::provider_idempotency_window);
  for (auto& event : out->events) {
    if (event.event_id.empty()) {
      // Every adapter keys its events; an event without a key cannot be accepted idempotently.
      std::string why = "an event without an idempotency key";
      quarantine_reason = quarantine_reason ? *quarantine_reason + "; " + why : why;
      continue;
    }
    std::string key = event.event_id;
    auto r = co_await spool::async_durable_accept_event(*ctx.redis, ctx.spool, env.cfg.tenant, event, std::move(key),
                                                        window, hooks::accept_limits(env.cfg.redis), ctx.received_at);
    if (!r) co_return hooks::store_error_response(r.error());
    if (r->accepted.duplicate) {
      ++duplicates;
      env.stats.lead_duplicate(src_id);
    } else {
      ++accepted;
      env.stats.lead_accepted(src_id);
    }
  }

  if (quarantine_reason) {
    store::quarantine_entry q;
    q.tenant = env.cfg.tenant;
    q.stage = "hook";
    q.source = src_id;
    q.channel = hs.segment;
    q.reason = *quarantine_reason;
    q.received_at = in.received_at;
    q.headers = hooks::headers_of_interest(in);
    q.body = std::move(in.body);
    auto r = co_await store::async_quarantine(*ctx.redis, q);
    if (!r) co_return hooks::store_error_response(r.error());
    env.stats.quarantined(src_id);
    logging::warn("webhook payload quarantined",
                 {{"source", src_id}, {"reason", q.reason}, {"entry", *r}});
  }
  env.stats.hook_ignored(src_id, out->ignored);

  if (out->reply) co_return reply_of(*out->reply);
  co_return json_response(http::status::ok, ack_body(accepted, duplicates, out->ignored, quarantine_reason.has_value()));
}

}  // namespace

void add_hook_routes(router& r, const config::config& cfg, metrics& stats, proxy_list proxies) {
  auto env = std::make_shared<hook_env>(hook_env{cfg, stats, std::move(proxies), {}});
  for (std::size_t i = 0; i < cfg.sources.size(); ++i) {
    const auto& src = cfg.sources[i];
    const auto* ch = channel_of_source(src.channel);
    if (!src.enabled || ch == nullptr) continue;
    config::source_config as_built = src;
    as_built.channel = std::string(ch->adapter_channel);
    auto adapter = adapters::make_adapter(as_built, "sources[" + std::to_string(i) + "]");
    if (!adapter) continue;  // polled, not posted to (an IMAP mailbox)
    env->sources.emplace(src.id, hook_source{&src, std::string(ch->segment), std::move(adapter)});
  }
  auto h = [env](request_context& ctx) { return on_hook(*env, ctx); };
  r.add(http::verb::post, "/v1/hooks/{channel}/{source}", h);
  r.add(http::verb::get, "/v1/hooks/{channel}/{source}", h);
}

}  // namespace lg::gateway
