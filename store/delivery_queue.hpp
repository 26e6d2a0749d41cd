// One destination's delivery queue in Redis (store/KEYS.md, "Delivery"), as the delivery engine,
// the admin API and /metrics use it: new entries in the destination stream, retried entries
// parked per contact (only each contact's oldest is scheduled, so its order holds), dead
// letters, and the destination's state. Every change of an entry is one typed step of
// store/lua/outbox_step.lua, so a crash between two steps loses nothing.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"
#include "store/streams.hpp"

#include <cstdint>
#include <expected>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lg::store {

// One delivery as the queue holds it.
struct queued_delivery {
  std::string id;         // the delivery id (the outbox entry id): stable across retries
  std::string type;       // event type, e.g. "lead.assigned"
  std::string data;       // the event's data, a JSON object as text
  std::string contact;    // ordering key; "id:<id>" when the entry names no contact
  std::int64_t at_ms = 0;  // when the event happened
  unsigned attempts = 0;  // attempts made so far
  std::string stream_id;  // its entry in the destination stream while never tried; "" once parked
  // A parked entry whose stored JSON could not be read: `data` holds the raw text; it can only
  // be dead-lettered as it is.
  bool unreadable = false;
};

enum class park_outcome { head, held, duplicate };  // scheduled, behind its contact's head, already parked

// What the admin list and the metrics read of a destination.
struct delivery_backlog {
  long long stream = 0;          // entries never tried
  long long parked = 0;          // entries waiting for a retry (or behind one)
  long long dead = 0;            // dead letters kept
  std::int64_t oldest_ms = 0;    // time of the stream's oldest entry; 0: none
  std::optional<std::int64_t> next_retry_ms;
  std::map<std::string, std::string, std::less<>> state;  // counters and last outcome (lg:{t}:dst:<d>)
};

class delivery_queue {
 public:
  delivery_queue(redis_client& redis, std::string tenant, std::string destination);

  // The oldest `limit` new entries.
  awaitable<std::expected<std::vector<queued_delivery>, core::error>> async_new(std::size_t limit);
  // The parked heads due at `now_ms`, at most `limit`.
  awaitable<std::expected<std::vector<queued_delivery>, core::error>> async_due(std::int64_t now_ms,
                                                                               std::size_t limit);
  // For each contact, whether a parked head holds it (its later entries must queue behind).
  awaitable<std::expected<std::vector<bool>, core::error>> async_held(std::vector<std::string> contacts);

  // The entry was delivered (a new one leaves the stream; a parked head releases its contact).
  awaitable<std::expected<void, core::error>> async_delivered(const queued_delivery& e, unsigned status,
                                                             std::int64_t now_ms);
  // The entry goes to the dead letters with the reply kept (`attempts` made).
  awaitable<std::expected<void, core::error>> async_dead(const queued_delivery& e, unsigned status, std::string reply,
                                                        std::string reason, std::int64_t now_ms, std::size_t max_dead);
  // A new entry is parked: due at `due_ms` when it becomes its contact's head, else behind it.
  awaitable<std::expected<park_outcome, core::error>> async_park(const queued_delivery& e, std::int64_t due_ms,
                                                                unsigned status, std::string error,
                                                                std::int64_t now_ms);
  // A parked head failed again: due again at `due_ms`.
  awaitable<std::expected<void, core::error>> async_retry(const queued_delivery& e, std::int64_t due_ms,
                                                         unsigned status, std::string error, std::int64_t now_ms);
  // Heads scheduled after `now_ms` become due now (the destination is back); how many.
  awaitable<std::expected<long long, core::error>> async_wake(std::int64_t now_ms, std::size_t max);
  // Dead letters back into the queue (`ids`, or the oldest `max` when empty); how many.
  awaitable<std::expected<long long, core::error>> async_replay(std::vector<std::string> ids, std::size_t max,
                                                               std::int64_t now_ms);
  // The breaker's state as the admin API shows it.
  awaitable<std::expected<void, core::error>> async_note_breaker(std::string state, std::int64_t since_ms,
                                                                std::uint64_t times_opened);

  awaitable<std::expected<delivery_backlog, core::error>> async_backlog();
  // Dead letters, newest first, strictly older than `before` (empty: from the newest).
  awaitable<std::expected<std::vector<stream_entry>, core::error>> async_dead_letters(std::string before,
                                                                                     std::size_t limit);

  // The JSON a parked or dead entry is kept as: {id, type, data, c, n, at}.
  static std::string entry_json(const queued_delivery& e);

 private:
  awaitable<std::expected<redis_reply, core::error>> step(std::vector<std::string> args);

  redis_client& redis_;
  std::string k_stream_, k_parked_, k_retry_, k_hold_, k_state_, k_dead_, holdq_;
};

// The outbox length (entries not yet copied to any destination).
awaitable<std::expected<long long, core::error>> async_outbox_length(redis_client& redis, std::string tenant);

}  // namespace lg::store
