// What the webhook and partner API routes share: turning an HTTP request into the adapters'
// inbound_request, the headers kept beside a quarantined body, and the 503 answer when Redis
// cannot take a lead (the accept and the quarantine themselves are store/'s).
#pragma once

#include "adapters/inbound_request.hpp"
#include "config/config.hpp"
#include "core/lead_event.hpp"
#include "gateway/client_ip.hpp"
#include "gateway/router.hpp"
#include "store/inbound_log.hpp"
#include "store/quarantine.hpp"

#include <chrono>
#include <cstddef>
#include <expected>
#include <string>
#include <string_view>

namespace lg::gateway::hooks {

// The request as the adapters see it. Moves the body out of ctx.req.
adapters::inbound_request make_inbound(request_context& ctx, std::string_view source_id, const proxy_list& proxies);

// Headers worth keeping next to a quarantined body (content type, user agent, the providers'
// signature and delivery headers), as a JSON object text.
std::string headers_of_interest(const adapters::inbound_request& in);

// The accept's bounds and replica acknowledgement, from the redis section.
inline store::accept_limits accept_limits(const config::redis_config& redis) {
  return store::accept_limits{redis.max_inbound_length, redis.min_replicas_ack, redis.replica_ack_timeout};
}

// 503 + Retry-After for unavailable/timeout, else the error's own status.
response store_error_response(const core::error& err);

}  // namespace lg::gateway::hooks
