// What the delivery engine hands a destination, and the interfaces every destination type
// implements (each one folder under connectors/ with its factory: connector_registry.hpp).
// A connector turns one item into one attempt and says what came of it; retries, ordering,
// the breaker and dead letters are the engine's (delivery.hpp), never the connector's. A
// two-way type also has a puller: the loop that brings the remote side's changes back.
#pragma once

#include "core/asio.hpp"
#include "webhooks/delivery_policy.hpp"

#include <cstdint>
#include <functional>
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

// The pull side of a two-way destination: a loop on the delivery thread, run only while this
// process holds the destination's lease (may_run), stopped with the pool.
class puller {
 public:
  virtual ~puller() = default;
  // Set before start(): nothing is pulled while it returns false.
  virtual void set_may_run(std::function<bool()> may_run) = 0;
  virtual void start() = 0;
  virtual void stop() = 0;
  virtual bool running() const noexcept = 0;
  // Returns once the loop has ended (on the delivery thread's io_context).
  virtual awaitable<void> async_ended() = 0;
  // Times the loop looked for work (whether or not it could pull): tests wait on it.
  virtual std::uint64_t rounds() const noexcept = 0;
};

}  // namespace lg::webhooks
