// What the webhook, partner API and quarantine routes share: turning an HTTP request into the
// adapters' inbound_request, the durable accept of one lead event, keeping an authentic but
// unparseable payload in the quarantine stream, and the 503 answer when Redis cannot take it.
#pragma once

#include "adapters/inbound_request.hpp"
#include "core/lead_event.hpp"
#include "gateway/client_ip.hpp"
#include "gateway/router.hpp"
#include "store/inbound_log.hpp"

#include <chrono>
#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace lg::gateway::hooks {

// Bounds of one quarantine entry and of the stream.
inline constexpr std::size_t quarantine_body_limit = 256 * 1024;  // bytes of the body kept
inline constexpr std::size_t quarantine_max_length = 100'000;     // XADD MAXLEN ~
inline constexpr std::size_t quarantine_reason_limit = 2048;

// Providers retry for hours (Zalo about an hour, Meta longer): a replay inside this window is
// answered from the idempotency key instead of becoming a second stream entry.
inline constexpr std::chrono::hours hook_idempotency_window{48};

// The request as the adapters see it. Moves the body out of ctx.req.
adapters::inbound_request make_inbound(request_context& ctx, std::string_view source_id, const proxy_list& proxies);

// Headers worth keeping next to a quarantined body (content type, user agent, the providers'
// signature and delivery headers), as a JSON object text.
std::string headers_of_interest(const adapters::inbound_request& in);

struct quarantine_entry {
  std::string tenant;
  std::string source;
  std::string channel;
  std::string reason;
  std::string received_at;
  std::string body;     // cut to quarantine_body_limit here
  std::string headers;  // JSON object text
};

// XADD lg:{t}:quarantine MAXLEN ~ N * stage hook source … body … . Errors: unavailable when
// Redis did not take it (the caller answers 503 so the provider retries).
awaitable<std::expected<std::string, core::error>> async_quarantine(store::redis_client& redis,
                                                                   const quarantine_entry& q);

// The durable accept of one event under `idempotency_key`: sets the event's lead_id (a new id,
// or the first delivery's when duplicate).
awaitable<std::expected<store::accept_result, core::error>> async_accept_event(
    store::redis_client& redis, const std::string& tenant, core::lead_event& event, std::string idempotency_key,
    std::chrono::milliseconds window, std::size_t max_stream_length, std::chrono::system_clock::time_point now);

// 503 + Retry-After for unavailable/timeout, else the error's own status.
response store_error_response(const core::error& err);

}  // namespace lg::gateway::hooks
