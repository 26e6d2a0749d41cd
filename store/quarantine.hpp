// The quarantine: what passed its signature but could not become a lead event, kept for an admin
// to read (GET /admin/v1/quarantine), never silently dropped. One writer and one entry shape for
// every stage that keeps something here (store/KEYS.md, lg:{t}:quarantine).
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"
#include "store/streams.hpp"

#include <cstddef>
#include <expected>
#include <string>
#include <vector>

namespace lg::store {

// Bounds of one entry and of the stream.
inline constexpr std::size_t quarantine_body_limit = 256 * 1024;  // bytes of the body kept
inline constexpr std::size_t quarantine_max_length = 100'000;     // XADD MAXLEN ~
inline constexpr std::size_t quarantine_reason_limit = 2048;

struct quarantine_entry {
  std::string tenant;
  // "hook": a provider's delivery (body = the raw request body); "poll": a polled message (the
  // raw message); "process": an accepted event the stages could not use (the event's JSON);
  // "spool": a spooled lead the accept refused when it was replayed (the event's JSON).
  std::string stage;
  std::string source;
  std::string channel;
  std::string reason;
  std::string received_at;  // RFC 3339; empty: not known
  std::string body;         // cut to quarantine_body_limit here (on a UTF-8 boundary)
  std::string headers = "{}";  // JSON object: request headers, or where a polled or stream entry came from
  std::string entry_id;     // "process": the lg:{t}:in entry it was
};

// XADD lg:{t}:quarantine MAXLEN ~ N * stage … source … channel … reason … received_at …
// body_bytes … body … headers … [entry_id …] [body_truncated 1]. Returns the entry id.
// Errors: unavailable when Redis did not take it (a hook answers 503 so the provider retries;
// a stage leaves the entry pending).
awaitable<std::expected<std::string, core::error>> async_quarantine(redis_client& redis, const quarantine_entry& q);

// Newest first, at most `limit`, strictly older than `before` (an entry id; empty: from the newest).
awaitable<std::expected<std::vector<stream_entry>, core::error>> async_quarantine_page(redis_client& redis,
                                                                                      std::string tenant,
                                                                                      std::string before,
                                                                                      std::size_t limit);

}  // namespace lg::store
