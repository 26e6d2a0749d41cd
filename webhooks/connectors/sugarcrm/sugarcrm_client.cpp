// See sugarcrm_client.hpp.
#include "webhooks/connectors/sugarcrm/sugarcrm_client.hpp"

#include "webhooks/connectors/sugarcrm/sugarcrm_mapping.hpp"

#include <nlohmann/json.hpp>

namespace lg::webhooks::sugarcrm {

namespace http = boost::beast::http;

client::client(asio::any_io_executor executor, options o)
    : opts_(std::move(o)), http_(std::make_unique<net::http_client>(std::move(executor), opts_.http)) {
  while (!opts_.base_url.empty() && opts_.base_url.back() == '/') opts_.base_url.pop_back();
}

awaitable<std::expected<net::http_response, core::error>> client::async_send(http::verb method, const std::string& path,
                                                                        const std::string& body) {
  net::http_request req;
  req.method = method;
  req.url = opts_.base_url + "/rest/v11/" + path;
  req.headers = {{"oauth-token", token_}, {"accept", "application/json"}};
  if (!body.empty()) req.headers.emplace_back("content-type", "application/json");
  req.body = body;
  req.total_timeout = opts_.timeout;
  req.read_timeout = opts_.timeout;
  req.connect_timeout = std::min(opts_.timeout, std::chrono::milliseconds(5000));
  req.body_limit = 4 * 1024 * 1024;  // a page of 100 Leads with every field fits easily
  co_return co_await http_->async_request(std::move(req));
}

awaitable<std::expected<void, core::error>> client::async_login(bool may_refresh) {
  // Another coroutine is logging in (the connector and the poller share the session): wait for
  // its result rather than logging in twice (the same user + platform logs the first one out).
  if (logging_in_) {
    const auto until = std::chrono::steady_clock::now() + opts_.timeout;
    asio::steady_timer t(co_await asio::this_coro::executor);
    while (logging_in_ && std::chrono::steady_clock::now() < until) {
      t.expires_after(std::chrono::milliseconds(5));
      co_await t.async_wait(asio::use_awaitable);
    }
    if (!token_.empty()) co_return std::expected<void, core::error>{};
  }
  logging_in_ = true;
  struct reset {
    bool& flag;
    ~reset() { flag = false; }
  } guard{logging_in_};

  for (int pass = 0; pass < 2; ++pass) {
    const bool refresh = pass == 0 && may_refresh && !refresh_.empty();
    if (pass == 0 && !refresh) continue;  // no refresh token: straight to the password grant
    nlohmann::json grant = {{"client_id", opts_.client_id}, {"client_secret", opts_.client_secret},
                            {"platform", opts_.platform}};
    if (refresh) {
      grant["grant_type"] = "refresh_token";
      grant["refresh_token"] = refresh_;
    } else {
      grant["grant_type"] = "password";
      grant["username"] = opts_.username;
      grant["password"] = opts_.password;
    }
    net::http_request req;
    req.method = http::verb::post;
    req.url = opts_.base_url + "/rest/v11/oauth2/token";
    req.headers = {{"content-type", "application/json"}, {"accept", "application/json"}};
    req.body = grant.dump();
    req.total_timeout = opts_.timeout;
    req.read_timeout = opts_.timeout;
    req.connect_timeout = std::min(opts_.timeout, std::chrono::milliseconds(5000));
    req.body_limit = 64 * 1024;
    auto reply = co_await http_->async_request(std::move(req));
    if (!reply) {
      ++stats_.login_failures;
      co_return std::unexpected(reply.error());
    }
    auto j = nlohmann::json::parse(reply->body, nullptr, false);
    const auto access = string_member(j, "access_token");
    if (reply->status / 100 == 2 && !access.empty()) {
      token_ = access;
      refresh_ = string_member(j, "refresh_token");
      long long expires_in = 3600;
      if (j.contains("expires_in") && j["expires_in"].is_number_integer()) expires_in = j["expires_in"].get<long long>();
      // Renewed a minute early (or at half its life when shorter), so a call never races expiry.
      const auto life = std::chrono::seconds(std::max<long long>(expires_in, 1));
      expires_ = std::chrono::steady_clock::now() + std::max<std::chrono::milliseconds>(
                                                         life - std::chrono::seconds(60), life / 2);
      if (refresh) ++stats_.refreshes;
      else ++stats_.logins;
      co_return std::expected<void, core::error>{};
    }
    if (refresh) {
      refresh_.clear();  // refused or expired: fall back to the password grant
      continue;
    }
    ++stats_.login_failures;
    token_.clear();
    // The reply may echo what was sent; only its status is kept.
    co_return std::unexpected(core::make_error(
        reply->status / 100 == 5 ? core::errc::unavailable : core::errc::unauthorized,
        "login to " + opts_.destination + " refused (HTTP " + std::to_string(reply->status) + ")"));
  }
  co_return std::unexpected(core::make_error(core::errc::internal, "login did not run"));
}

awaitable<std::expected<net::http_response, core::error>> client::async_call(http::verb method, std::string path,
                                                                       std::string body) {
  if (token_.empty() || std::chrono::steady_clock::now() >= expires_) {
    auto l = co_await async_login(true);
    if (!l) co_return std::unexpected(l.error());
  }
  auto reply = co_await async_send(method, path, body);
  if (!reply || reply->status != 401) co_return reply;
  // The token was revoked or expired early: exactly one new login, then one retry.
  ++stats_.relogins;
  token_.clear();
  refresh_.clear();
  auto l = co_await async_login(false);
  if (!l) co_return std::unexpected(l.error());
  co_return co_await async_send(method, path, body);
}

}  // namespace lg::webhooks::sugarcrm
