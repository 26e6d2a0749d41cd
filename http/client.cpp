#include "http/client.hpp"
#include "http/tls.hpp"

#include "http/connection.hpp"
#include "http/pool.hpp"
#include "http/url.hpp"

#include <boost/asio/ssl/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/version.hpp>

#include <stdexcept>

namespace lg::net {

namespace http = boost::beast::http;
using detail::clock;

struct http_client::state {
  state(asio::any_io_executor ex, http_client_options opts)
      : executor(std::move(ex)),
        options(std::move(opts)),
        tls(asio::ssl::context::tls_client),
        pool(options.max_idle_per_origin, options.idle_timeout) {}

  asio::any_io_executor executor;
  http_client_options options;
  asio::ssl::context tls;
  detail::http_pool pool;
  http_client_stats stats;
};

namespace {

bool idempotent(http::verb v) {
  return v == http::verb::get || v == http::verb::head || v == http::verb::put ||
         v == http::verb::delete_ || v == http::verb::options || v == http::verb::trace;
}

// The errors by which a pooled connection shows that the server had already closed it.
bool stale_connection_error(const boost::system::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == asio::ssl::error::stream_truncated;
}

core::error exchange_error(const boost::system::error_code& ec, const std::string& origin,
                           std::size_t body_limit, bool total_expired) {
  using core::errc;
  if (ec == boost::beast::error::timeout)
    return core::make_error(errc::timeout, (total_expired ? "total time ran out talking to "
                                                          : "read timed out from ") + origin);
  if (ec == http::error::body_limit)
    return core::make_error(errc::payload_too_large, "response from " + origin + " is larger than " +
                                                         std::to_string(body_limit) + " bytes");
  if (ec == http::error::header_limit)
    return core::make_error(errc::payload_too_large, "response headers from " + origin + " are too large");
  if (ec.category() == make_error_code(http::error::bad_version).category())
    return core::make_error(errc::unavailable, "malformed HTTP response from " + origin + ": " + ec.message());
  return core::make_error(errc::unavailable, "connection to " + origin + " failed: " + ec.message());
}

}  // namespace

std::string_view http_response::header(std::string_view name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string_view{} : std::string_view(it->value());
}

http_client::http_client(asio::any_io_executor executor, http_client_options options)
    : state_(std::make_shared<state>(std::move(executor), std::move(options))) {
  if (auto failed = configure_client_tls(state_->tls, state_->options.use_system_ca, state_->options.extra_ca_file))
    throw std::runtime_error("http client: " + *failed);
}

http_client::~http_client() = default;

http_client_stats http_client::stats() const { return state_->stats; }
std::size_t http_client::idle_connections() const { return state_->pool.idle(); }
void http_client::close_idle() { state_->pool.clear(); }

asio::awaitable<std::expected<http_response, core::error>> http_client::async_request(
    http_request request) {
  auto st = state_;  // in-flight requests keep the pool and TLS context alive
  const auto started = clock::now();
  const auto deadline = started + request.total_timeout;
  auto url = parse_http_url(request.url);
  if (!url) co_return std::unexpected(std::move(url.error()));
  const std::string origin = url->origin();
  ++st->stats.requests;

  detail::outgoing req{request.method, url->target, 11};
  req.set(http::field::host, url->host_header());
  req.set(http::field::user_agent, st->options.user_agent);
  for (auto& [name, value] : request.headers) req.set(name, value);
  req.body() = std::move(request.body);
  req.prepare_payload();
  req.keep_alive(true);

  for (int attempt = 0;; ++attempt) {
    auto conn = st->pool.take(origin);
    const bool reused = conn != nullptr;
    if (!conn) {
      auto opened = co_await detail::async_open(*url, st->tls, std::min(deadline, clock::now() + request.connect_timeout));
      if (!opened) co_return std::unexpected(std::move(opened.error()));
      conn = std::move(*opened);
      ++st->stats.connections_opened;
    } else {
      ++st->stats.reused;
    }

    http_response out;
    const auto r = co_await detail::async_exchange(*conn, req, request.read_timeout, deadline,
                                                   request.body_limit, out);
    if (!r.ec) {
      out.reused_connection = reused;
      if (r.reusable) st->pool.give_back(origin, std::move(conn));
      co_return out;
    }
    // A pooled connection the server had already closed: send once more on a fresh one when
    // that cannot duplicate work - the method is idempotent, or not a byte went out.
    if (reused && attempt == 0 && !r.got_response_bytes && stale_connection_error(r.ec) &&
        (idempotent(request.method) || r.wrote_nothing) && clock::now() < deadline) {
      ++st->stats.stale_retries;
      continue;
    }
    co_return std::unexpected(exchange_error(r.ec, origin, request.body_limit, clock::now() >= deadline));
  }
}

}  // namespace lg::net
