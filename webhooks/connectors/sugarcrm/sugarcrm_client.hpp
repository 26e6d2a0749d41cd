// A logged-in session with a SugarCRM/DotB instance: OAuth2 password grant at
// /rest/v11/oauth2/token (client_id, client_secret, username, password, platform), the token
// cached and renewed before it expires (refresh_token grant, else a new login), and a 401 on a
// call answered by exactly one new login and one retry. Shared by the connector (push) and
// the poller (pull) of a destination, on one io_context. Credentials and tokens are never put
// in an error message or a log line.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "http/client.hpp"
#include "webhooks/connectors/sugarcrm/sugarcrm_options.hpp"

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

namespace lg::webhooks::sugarcrm {

struct client_stats {
  std::uint64_t logins = 0;      // password grants that succeeded
  std::uint64_t refreshes = 0;   // refresh_token grants that succeeded
  std::uint64_t relogins = 0;    // logins made because a call was answered 401
  std::uint64_t login_failures = 0;
};

class client {
 public:
  client(asio::any_io_executor executor, options o);

  // `path` is relative to /rest/v11/ ("Leads?filter…", "Leads/<id>"); `body` JSON or empty.
  // A login that fails comes back as an error (unauthorized: the CRM refused the credentials,
  // with its status; else the transport error); any reply of the call itself is returned.
  awaitable<std::expected<net::http_response, core::error>> async_call(boost::beast::http::verb method, std::string path,
                                                                 std::string body);

  const options& settings() const noexcept { return opts_; }
  const client_stats& stats() const noexcept { return stats_; }
  const net::http_client& http() const noexcept { return *http_; }

 private:
  awaitable<std::expected<void, core::error>> async_login(bool may_refresh);
  awaitable<std::expected<net::http_response, core::error>> async_send(boost::beast::http::verb method,
                                                                  const std::string& path, const std::string& body);

  options opts_;
  std::unique_ptr<net::http_client> http_;
  std::string token_, refresh_;
  std::chrono::steady_clock::time_point expires_{};
  bool logging_in_ = false;
  client_stats stats_;
};

}  // namespace lg::webhooks::sugarcrm
