// The OAuth token store of outbound channel APIs (the Zalo OA access token and its rotating,
// single-use refresh token): one hash per credential set, and a lease key so that only one
// process refreshes at a time. Values are secrets: callers never log them.
//
// Keys (store/KEYS.md): lg:{t}:tok:<name>       HASH access_token, expires_at_ms, refresh_token,
//                                               rotated_at_ms
//                       lg:{t}:toklease:<name>  STRING the lease holder, with a PX expiry
// <name> is "<provider>:<source id>", e.g. "zalo:zalo-main".
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>

namespace lg::store {

struct token_record {
  std::string access_token;   // empty: none yet
  std::int64_t expires_at_ms = 0;
  std::string refresh_token;  // empty: none stored (the configured seed is used)
};

std::string token_key(std::string_view tenant, std::string_view name);
std::string token_lease_key(std::string_view tenant, std::string_view name);

// Errors: unavailable/timeout when Redis did not answer.
awaitable<std::expected<token_record, core::error>> async_read_tokens(redis_client& redis, std::string tenant,
                                                                      std::string name);

// SET lease owner NX PX ttl. True when this owner holds the lease now.
awaitable<std::expected<bool, core::error>> async_take_token_lease(redis_client& redis, std::string tenant,
                                                                   std::string name, std::string owner,
                                                                   std::chrono::milliseconds ttl);

// Writes a refresh's result (store/lua/token_rotate.lua) and releases the lease. False when the
// stored refresh token is no longer `used_refresh` (another refresh rotated it): nothing written.
awaitable<std::expected<bool, core::error>> async_rotate_tokens(redis_client& redis, std::string tenant,
                                                                std::string name, std::string owner,
                                                                std::string used_refresh, token_record next,
                                                                std::int64_t now_ms);

// Releases the lease if `owner` still holds it (after a failed refresh).
awaitable<std::expected<void, core::error>> async_release_token_lease(redis_client& redis, std::string tenant,
                                                                      std::string name, std::string owner);

}  // namespace lg::store
