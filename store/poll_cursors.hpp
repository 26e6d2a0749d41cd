// Where a timed poll of a provider's list stands: one number (the newest time taken) per source
// and list, lg:{t}:cursor:<kind>:<source>:<list> (Facebook Lead Ads: kind fbleads, list = form id).
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace lg::store {

std::string poll_cursor_key(std::string_view tenant, std::string_view kind, std::string_view source,
                            std::string_view list);

// nullopt when never written, or when the stored value is not a number (read as never written:
// the poll starts again from its look-back, the idempotency keys keep each lead once).
awaitable<std::expected<std::optional<std::int64_t>, core::error>> async_poll_cursor(redis_client& redis,
                                                                                    std::string key);

awaitable<std::expected<void, core::error>> async_set_poll_cursor(redis_client& redis, std::string key,
                                                                 std::int64_t value);

}  // namespace lg::store
