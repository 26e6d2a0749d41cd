// The durable accept: one Lua call checks the idempotency key and appends the lead event
// to lg:{t}:in. A 2xx may leave only after this returned a value.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "core/lead_event.hpp"
#include "store/redis_client.hpp"

#include <chrono>
#include <expected>
#include <string>

namespace lg::store {

// Providers retry a webhook for hours (Zalo about an hour, Meta longer): a replay inside this
// window is answered from the idempotency key instead of becoming a second stream entry.
inline constexpr std::chrono::hours provider_idempotency_window{48};

struct accept_request {
  std::string tenant;
  std::string idempotency_key;  // already namespaced by the caller (source + key or hash)
  std::chrono::milliseconds idempotency_window{std::chrono::minutes(10)};
  std::string lead_id;          // the id to store if this is the first delivery
  std::string event_json;       // the serialized lead event (contains lead_id)
  std::size_t max_stream_length = 1'000'000;  // refuse (unavailable) beyond this backlog
  // With replicas: a new lead is answered only once this many replicas have it (WAIT); fewer
  // within replica_ack_timeout is errc::timeout — the outcome a replica failover could undo.
  unsigned min_replicas_ack = 0;
  std::chrono::milliseconds replica_ack_timeout{1000};
};

// What every accept of a process shares, from the redis config section.
struct accept_limits {
  std::size_t max_stream_length = 1'000'000;
  unsigned min_replicas_ack = 0;
  std::chrono::milliseconds replica_ack_timeout{1000};
};

struct accept_result {
  std::string lead_id;    // the first delivery's id when duplicate
  std::string stream_id;  // the entry id in lg:{t}:in (empty when duplicate)
  bool duplicate = false;
};

awaitable<std::expected<accept_result, core::error>> async_accept(redis_client& redis,
                                                                  const accept_request& req);

// True for the unavailable error of a full lg:{t}:in (max_stream_length): a bound the caller
// answers with 503, unlike an outage, which the request path may bridge with the local spool.
bool is_backlog_full(const core::error& e) noexcept;

// The accept request of one lead event: a new lead id (core::new_lead_id at `now`) is set on the
// event and serialized with it.
accept_request make_accept_request(const std::string& tenant, core::lead_event& event, std::string idempotency_key,
                                   std::chrono::milliseconds window, const accept_limits& limits,
                                   std::chrono::system_clock::time_point now);

// The accept of one lead event, as forms, webhooks, the partner API and the pollers all make it:
// make_accept_request, then async_accept; the event gets the first delivery's lead id when the
// key was seen within `window`.
awaitable<std::expected<accept_result, core::error>> async_accept_event(
    redis_client& redis, const std::string& tenant, core::lead_event& event, std::string idempotency_key,
    std::chrono::milliseconds window, const accept_limits& limits, std::chrono::system_clock::time_point now);

}  // namespace lg::store
