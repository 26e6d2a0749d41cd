// The attempts of an event's provider fetch (the enrich stage): lg:{t}:enrich:<event id> holds
// "<attempts>:<next due, epoch ms>" while fetches fail, so a claimed-again entry waits out its
// backoff; it goes once the fetch succeeds (or after 7 days).
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"

#include <cstdint>
#include <expected>
#include <string>

namespace lg::store {

struct enrich_attempts {
  std::int64_t tries = 0;   // failed fetches so far
  std::int64_t due_ms = 0;  // not before this (epoch ms); 0: now
};

// A value that is not "<n>:<ms>" reads as no attempts.
awaitable<std::expected<enrich_attempts, core::error>> async_enrich_attempts(redis_client& redis, std::string tenant,
                                                                            std::string event_id);
awaitable<std::expected<void, core::error>> async_enrich_failed(redis_client& redis, std::string tenant,
                                                               std::string event_id, enrich_attempts next);
awaitable<std::expected<void, core::error>> async_enrich_done(redis_client& redis, std::string tenant,
                                                             std::string event_id);

}  // namespace lg::store
