// The outbound HTTP/1.1 client shared by the delivery engine, the connectors and the channel
// adapters' API calls (Zalo OA, Graph): Beast over plain TCP or TLS (OpenSSL; certificates
// checked against the system store plus an optional extra CA, host name verification, SNI),
// a keep-alive pool per scheme/host/port, connect/read/total timeouts and a response size
// limit. Every failure comes back as a core::error, never as an exception:
//   invalid_field      the url is malformed (field "url")
//   timeout            connect (DNS, TCP, TLS handshake), read or total time ran out
//   unavailable        DNS failure, refused/reset connection, TLS or certificate failure
//   payload_too_large  the response is bigger than the request's body_limit
// Messages name the origin (scheme://host:port), never the path or query, which can carry
// tokens.
//
// Threading: one client per io_context, used from the single thread that runs it (or from
// one strand). The pool is not locked; a client is cheap, so give each io_context its own.
// In-flight requests keep the client's state alive, so destroying the client while requests
// run is safe; they finish (or time out) normally.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::net {

struct http_request {
  boost::beast::http::verb method = boost::beast::http::verb::get;
  std::string url;  // http(s)://host[:port]/path?query
  std::vector<std::pair<std::string, std::string>> headers;  // replace defaults of the same name
  std::string body;  // Content-Length is set from it

  // DNS + TCP connect + TLS handshake of a new connection.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(5)};
  // Writing the request, then (separately) reading the whole response.
  std::chrono::milliseconds read_timeout{std::chrono::seconds(15)};
  // Everything, including a retry on a fresh connection.
  std::chrono::milliseconds total_timeout{std::chrono::seconds(30)};
  // The largest response body accepted; a bigger one fails and its connection is dropped.
  std::size_t body_limit = 1024 * 1024;
};

struct http_response {
  unsigned status = 0;
  boost::beast::http::fields headers;
  std::string body;
  bool reused_connection = false;  // served over a pooled keep-alive connection

  // The first value of a header (case-insensitive name), empty when absent.
  std::string_view header(std::string_view name) const;
};

struct http_client_options {
  std::size_t max_idle_per_origin = 32;                      // idle keep-alive connections kept
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(30)};  // an idle one older is closed
  bool use_system_ca = true;  // the system trust store (set_default_verify_paths)
  std::string extra_ca_file;  // a PEM file trusted as well (tests, private CAs)
  std::string user_agent = "leadgate";
};

struct http_client_stats {
  std::uint64_t requests = 0;
  std::uint64_t connections_opened = 0;
  std::uint64_t reused = 0;         // requests sent over a pooled connection
  std::uint64_t stale_retries = 0;  // requests retried on a fresh connection
};

class http_client {
 public:
  // Throws std::runtime_error when extra_ca_file cannot be loaded: that is a startup config
  // error, and the message names the file.
  explicit http_client(asio::any_io_executor executor, http_client_options options = {});
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  asio::awaitable<std::expected<http_response, core::error>> async_request(http_request request);

  http_client_stats stats() const;
  std::size_t idle_connections() const;
  void close_idle();  // drop every pooled connection (shutdown, tests)

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace lg::net
