// The accept of the request path (forms, webhooks, the partner API): Redis first, the spool
// when Redis cannot answer.
//
// - Redis answers: its verdict (new or duplicate), as store::async_accept gives it.
// - Redis is unreachable, refuses the write for its state (READONLY, LOADING, OOM), does not
//   answer within its command timeout, or fewer replicas than min_replicas_ack took the lead in
//   time: the lead goes to the spool, and the caller answers 2xx
//   once it is on disk. The drainer replays it with the same idempotency key, so an accept that
//   timed out but did land is not stored twice.
// - While the spool still holds leads, new leads join it, so leads reach Redis in the order they
//   were acknowledged.
// - A full inbound backlog is a bound, not an outage: it stays an error (503).
// Without a spool (`sp` null) this is store::async_accept.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "spool/spool.hpp"
#include "store/inbound_log.hpp"
#include "store/redis_client.hpp"

#include <expected>

namespace lg::spool {

struct durable_result {
  store::accept_result accepted;  // lead_id; duplicate is never known for a spooled lead
  bool spooled = false;
};

awaitable<std::expected<durable_result, core::error>> async_durable_accept(store::redis_client& redis, spool* sp,
                                                                          store::accept_request req);

// The same for one lead event (store::make_accept_request); the event ends with the lead id the
// caller should answer (the first delivery's for a duplicate).
awaitable<std::expected<durable_result, core::error>> async_durable_accept_event(
    store::redis_client& redis, spool* sp, const std::string& tenant, core::lead_event& event,
    std::string idempotency_key, std::chrono::milliseconds window, const store::accept_limits& limits,
    std::chrono::system_clock::time_point now);

}  // namespace lg::spool
