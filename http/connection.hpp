// One outbound connection of the http_client (plain TCP or TLS over Beast's tcp_stream) and
// the two steps done on it: opening it (DNS, TCP, TLS with SNI and host name checks) and one
// request/response exchange. Internal to webhooks/: callers use http_client.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "http/client.hpp"
#include "http/url.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <memory>
#include <optional>

namespace lg::net::detail {

namespace beast = boost::beast;
using clock = std::chrono::steady_clock;
using outgoing = beast::http::request<beast::http::string_body>;

struct http_connection {
  std::optional<beast::tcp_stream> plain;                     // http
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;    // https
  beast::flat_buffer buffer;
  clock::time_point idle_since{};

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  // A cheap non-blocking peek before reuse: false when the peer has closed the connection or
  // sent bytes nobody asked for (its framing is then unknown). Catches most stale
  // connections before a request is risked on them.
  bool looks_alive();
};

// Opens a connection to `url`'s origin; every step is bounded by `deadline`.
asio::awaitable<std::expected<std::unique_ptr<http_connection>, core::error>> async_open(
    const http_url& url, asio::ssl::context& tls_context, clock::time_point deadline);

// What happened to one request on one connection.
struct exchange_result {
  boost::system::error_code ec;
  bool wrote_nothing = false;       // the write failed before any byte left
  bool got_response_bytes = false;  // some of a response arrived
  bool reusable = false;            // complete, keep-alive, nothing left over
};

// Writes `req` and reads the response into `out`, each step bounded by `read_timeout` and by
// `deadline`; the response body is bounded by `body_limit`.
asio::awaitable<exchange_result> async_exchange(http_connection& c, const outgoing& req,
                                                std::chrono::milliseconds read_timeout,
                                                clock::time_point deadline, std::size_t body_limit,
                                                http_response& out);

}  // namespace lg::net::detail
