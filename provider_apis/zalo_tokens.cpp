// The Zalo token manager (see zalo_tokens.hpp).
#include "provider_apis/zalo_tokens.hpp"

#include "store/tokens.hpp"

#include "logging/logging.hpp"
#include <unistd.h>

namespace lg::provider_apis::zalo {
namespace {

std::unexpected<api_error> redis_down(const core::error& e) {
  return std::unexpected(api_error{failure::transient, 0, "redis: " + e.message});
}

std::string default_owner() {
  static std::atomic<unsigned> n{0};
  char host[128] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) std::snprintf(host, sizeof(host), "unknown");
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(n++);
}

}  // namespace

token_manager::token_manager(store::redis_client& redis, net::http_client& http, api_options api,
                             token_manager_options opts)
    : redis_(redis), http_(http), api_(std::move(api)), opts_(std::move(opts)) {
  if (opts_.owner.empty()) opts_.owner = default_owner();
}

std::int64_t token_manager::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

awaitable<std::expected<std::string, api_error>> token_manager::async_access_token() {
  auto t = co_await store::async_read_tokens(redis_, opts_.tenant, store_name());
  if (!t) co_return redis_down(t.error());
  const std::int64_t margin = std::chrono::duration_cast<std::chrono::milliseconds>(opts_.renew_before).count();
  if (!t->access_token.empty() && t->expires_at_ms - margin > now_ms()) co_return t->access_token;
  co_return co_await refresh(t->access_token);
}

awaitable<std::expected<std::string, api_error>> token_manager::async_renew(std::string stale) {
  co_return co_await refresh(std::move(stale));
}

awaitable<std::expected<std::string, api_error>> token_manager::refresh(std::string stale) {
  auto lease = co_await store::async_take_token_lease(redis_, opts_.tenant, store_name(), opts_.owner, opts_.lease_ttl);
  if (!lease) co_return redis_down(lease.error());
  if (!*lease) co_return co_await wait_for_refresh(std::move(stale));

  // Holding the lease. Another process may have refreshed just before we took it.
  auto t = co_await store::async_read_tokens(redis_, opts_.tenant, store_name());
  if (!t) co_return redis_down(t.error());
  if (!t->access_token.empty() && t->access_token != stale && t->expires_at_ms > now_ms()) {
    co_await store::async_release_token_lease(redis_, opts_.tenant, store_name(), opts_.owner);
    co_return t->access_token;
  }
  const std::string used = t->refresh_token.empty() ? api_.seed_refresh_token : t->refresh_token;

  net::http_request req;
  req.method = boost::beast::http::verb::post;
  req.url = api_.oauth_url;
  req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  req.headers.emplace_back("secret_key", api_.app_secret);
  req.body = refresh_form(api_, used);
  req.connect_timeout = api_.timeout;
  req.read_timeout = api_.timeout;
  req.total_timeout = api_.timeout;
  req.body_limit = 64 * 1024;
  ++stats_.refreshes;
  auto res = co_await http_.async_request(std::move(req));
  std::expected<token_grant, api_error> grant;
  if (res) {
    grant = parse_refresh_reply(res->status, res->body);
  } else {
    grant = std::unexpected(api_error{failure::transient, 0, "token endpoint: " + res.error().message});
  }
  if (!grant) {
    ++stats_.refresh_failures;
    co_await store::async_release_token_lease(redis_, opts_.tenant, store_name(), opts_.owner);
    logging::error("zalo access token refresh failed", {{"source", api_.source}, {"reason", grant.error().message}});
    co_return std::unexpected(grant.error());
  }
  store::token_record next;
  next.access_token = grant->access_token;
  next.refresh_token = grant->refresh_token;
  const std::int64_t now = now_ms();
  next.expires_at_ms = now + grant->expires_in_s * 1000;
  auto written = co_await store::async_rotate_tokens(redis_, opts_.tenant, store_name(), opts_.owner, used,
                                                     std::move(next), now);
  if (!written) {
    // The provider rotated the refresh token but Redis did not take the new one: nothing can
    // recover it automatically. Say so loudly (without the token).
    logging::error("zalo token refreshed, but the new refresh token could not be stored", {{"source", api_.source}, {"reason", written.error().message}});
    co_return redis_down(written.error());
  }
  if (!*written) logging::warn("zalo: another refresh rotated the token first; keeping its result", {{"source", api_.source}});
  logging::info("zalo access token refreshed", {{"source", api_.source}});
  co_return grant->access_token;
}

awaitable<std::expected<std::string, api_error>> token_manager::wait_for_refresh(std::string stale) {
  ++stats_.waited;
  const auto deadline = std::chrono::steady_clock::now() + opts_.wait_for_other;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(opts_.wait_step);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    auto t = co_await store::async_read_tokens(redis_, opts_.tenant, store_name());
    if (!t) co_return redis_down(t.error());
    if (!t->access_token.empty() && t->access_token != stale && t->expires_at_ms > now_ms()) co_return t->access_token;
  }
  co_return std::unexpected(api_error{failure::transient, 0, "another process's token refresh did not finish in time"});
}

}  // namespace lg::provider_apis::zalo
