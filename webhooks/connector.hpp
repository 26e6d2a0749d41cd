// What the delivery engine hands a destination, and the interface every destination type
// implements (webhook now; sugarcrm, erp, pos later — each one folder with its factory).
// A connector turns one item into one attempt and says what came of it; retries, ordering,
// the breaker and dead letters are the engine's (delivery.hpp), never the connector's.
#pragma once

#include "core/asio.hpp"
#include "webhooks/delivery_policy.hpp"

#include <cstdint>
#include <string>

namespace lg::webhooks {

struct delivery_item {
  std::string id;        // the delivery id: the outbox entry id, stable across retries (webhook-id)
  std::string type;      // event type, e.g. "lead.assigned"
  std::string contact;   // ordering key
  std::int64_t at_ms = 0;  // when the event happened (outbox entry time), unix ms
  std::string data;      // the event's data, a JSON object as text
  unsigned attempt = 1;  // 1-based
};

class connector {
 public:
  virtual ~connector() = default;
  // Must not throw for anything the destination does; runs on the engine's io_context.
  virtual awaitable<attempt_result> async_deliver(const delivery_item& item) = 0;
};

}  // namespace lg::webhooks
