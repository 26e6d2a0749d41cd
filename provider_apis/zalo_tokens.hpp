// The Zalo OA access token of one source: read from Redis while it is fresh, refreshed with the
// rotating refresh token when it is missing, close to expiry, or refused by the API (-216).
// Only one process refreshes at a time (a lease key); the others wait for its result. The new
// refresh token is written in the same Lua step as the lease release, and only over the token
// the refresh used, so a rotation is never lost (store/tokens.hpp). Tokens are never logged.
#pragma once

#include "provider_apis/api_error.hpp"
#include "provider_apis/zalo_oa.hpp"
#include "core/asio.hpp"
#include "store/redis_client.hpp"
#include "http/client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <string>

namespace lg::provider_apis::zalo {

struct token_manager_options {
  std::string tenant = "default";
  std::string owner;  // lease holder name; empty: "<hostname>:<pid>:<n>"
  std::chrono::milliseconds lease_ttl{15000};        // longer than one refresh call can take
  std::chrono::milliseconds wait_for_other{8000};    // how long to wait for another's refresh
  std::chrono::milliseconds wait_step{50};
  std::chrono::seconds renew_before{300};            // refresh this long before expiry
};

struct token_stats {
  std::atomic<std::uint64_t> refreshes{0};        // refresh calls made by this manager
  std::atomic<std::uint64_t> refresh_failures{0};
  std::atomic<std::uint64_t> waited{0};           // served by another process's refresh
};

class token_manager {
 public:
  // `redis` and `http` must outlive the manager and run on the same io_context.
  token_manager(store::redis_client& redis, net::http_client& http, api_options api,
                token_manager_options opts = {});

  // A usable access token. Errors: transient (Redis or the token endpoint unreachable, another
  // process's refresh still running), auth (the refresh token was refused).
  awaitable<std::expected<std::string, api_error>> async_access_token();

  // The API refused `stale`: refresh unless another refresh already replaced it.
  awaitable<std::expected<std::string, api_error>> async_renew(std::string stale);

  const token_stats& stats() const noexcept { return stats_; }
  std::string store_name() const { return "zalo:" + api_.source; }

 private:
  awaitable<std::expected<std::string, api_error>> refresh(std::string stale);
  awaitable<std::expected<std::string, api_error>> wait_for_refresh(std::string stale);
  std::int64_t now_ms() const;

  store::redis_client& redis_;
  net::http_client& http_;
  api_options api_;
  token_manager_options opts_;
  token_stats stats_;
};

}  // namespace lg::provider_apis::zalo
