#include "http/connection.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/write.hpp>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <sys/socket.h>

#include <cerrno>

namespace lg::net::detail {

namespace {

using asio::ip::tcp;
using std::chrono::milliseconds;

// Rounded up, so a timer set from the deadline never fires before it: the caller tells a
// total-time expiry from a step timeout by comparing the clock with the deadline.
milliseconds until(clock::time_point deadline, milliseconds step) {
  const auto left = std::chrono::ceil<milliseconds>(deadline - clock::now());
  return std::max(milliseconds{0}, std::min(step, left));
}

std::unexpected<core::error> fail(core::errc code, std::string message) {
  return std::unexpected(core::make_error(code, std::move(message)));
}

// The resolver's own cancel() only takes effect once getaddrinfo returns, which can take
// many seconds; so the lookup reports into a shared slot and the caller waits on a timer it
// cancels, giving up at the deadline while the lookup finishes in the background.
struct resolve_slot {
  explicit resolve_slot(const asio::any_io_executor& ex) : resolver(ex), wake(ex) {}
  tcp::resolver resolver;
  asio::steady_timer wake;
  bool done = false;
  boost::system::error_code ec;
  tcp::resolver::results_type results;
};

asio::awaitable<std::expected<tcp::resolver::results_type, core::error>> resolve(
    const http_url& url, clock::time_point deadline) {
  auto ex = co_await asio::this_coro::executor;
  if (url.host_is_ip) {
    const auto addr = asio::ip::make_address(url.host);
    co_return tcp::resolver::results_type::create(tcp::endpoint(addr, url.port), url.host,
                                                  std::to_string(url.port));
  }
  auto slot = std::make_shared<resolve_slot>(ex);
  slot->wake.expires_at(deadline);
  slot->resolver.async_resolve(url.host, std::to_string(url.port),
                               [slot](boost::system::error_code ec, tcp::resolver::results_type r) {
                                 slot->done = true;
                                 slot->ec = ec;
                                 slot->results = std::move(r);
                                 slot->wake.cancel();
                               });
  boost::system::error_code wait_ec;
  co_await slot->wake.async_wait(asio::redirect_error(asio::use_awaitable, wait_ec));
  if (!slot->done) {
    slot->resolver.cancel();
    co_return fail(core::errc::timeout, "DNS lookup of " + url.host + " timed out");
  }
  if (slot->ec || slot->results.empty())
    co_return fail(core::errc::unavailable,
                   "DNS lookup of " + url.host + " failed: " +
                       (slot->ec ? slot->ec.message() : std::string("no addresses")));
  co_return std::move(slot->results);
}

std::string tls_failure(SSL* ssl, const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK)
    return std::string("certificate verification failed: ") +
           X509_verify_cert_error_string(verify);
  return "TLS handshake failed: " + ec.message();
}

}  // namespace

bool http_connection::looks_alive() {
  if (buffer.size() != 0) return false;
  auto& sock = lowest().socket();
  if (!sock.is_open()) return false;
  char byte = 0;
  const auto n = ::recv(sock.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

asio::awaitable<std::expected<std::unique_ptr<http_connection>, core::error>> async_open(
    const http_url& url, asio::ssl::context& tls_context, clock::time_point deadline) {
  auto ex = co_await asio::this_coro::executor;
  const std::string origin = url.origin();
  auto endpoints = co_await resolve(url, deadline);
  if (!endpoints) co_return std::unexpected(std::move(endpoints.error()));

  auto c = std::make_unique<http_connection>();
  if (url.tls) {
    c->tls.emplace(ex, tls_context);
  } else {
    c->plain.emplace(ex);
  }
  auto& tcp_layer = c->lowest();
  boost::system::error_code ec;
  tcp_layer.expires_after(until(deadline, milliseconds::max()));
  co_await tcp_layer.async_connect(*endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec == beast::error::timeout) co_return fail(core::errc::timeout, "connect to " + origin + " timed out");
  if (ec) co_return fail(core::errc::unavailable, "connect to " + origin + " failed: " + ec.message());
  tcp_layer.socket().set_option(tcp::no_delay(true), ec);  // small requests: no Nagle delay

  if (url.tls) {
    SSL* ssl = c->tls->native_handle();
    if (url.host_is_ip) {
      // RFC 6066: no SNI for address literals; the certificate must name the IP.
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), url.host.c_str());
    } else {
      SSL_set_tlsext_host_name(ssl, url.host.c_str());
      SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
      SSL_set1_host(ssl, url.host.c_str());
    }
    co_await c->tls->async_handshake(asio::ssl::stream_base::client,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec == beast::error::timeout)
      co_return fail(core::errc::timeout, "TLS handshake with " + origin + " timed out");
    if (ec) co_return fail(core::errc::unavailable, origin + ": " + tls_failure(ssl, ec));
  }
  co_return c;
}

asio::awaitable<exchange_result> async_exchange(http_connection& c, const outgoing& req,
                                                milliseconds read_timeout,
                                                clock::time_point deadline, std::size_t body_limit,
                                                http_response& out) {
  exchange_result r;
  auto& tcp_layer = c.lowest();
  tcp_layer.expires_after(until(deadline, read_timeout));
  std::size_t written = 0;
  if (c.tls) {
    written = co_await beast::http::async_write(*c.tls, req, asio::redirect_error(asio::use_awaitable, r.ec));
  } else {
    written = co_await beast::http::async_write(*c.plain, req, asio::redirect_error(asio::use_awaitable, r.ec));
  }
  if (r.ec) {
    r.wrote_nothing = written == 0;
    co_return r;
  }

  beast::http::response_parser<beast::http::string_body> parser;
  parser.header_limit(64 * 1024);
  parser.body_limit(body_limit);
  if (req.method() == beast::http::verb::head) parser.skip(true);
  tcp_layer.expires_after(until(deadline, read_timeout));
  if (c.tls) {
    co_await beast::http::async_read(*c.tls, c.buffer, parser, asio::redirect_error(asio::use_awaitable, r.ec));
  } else {
    co_await beast::http::async_read(*c.plain, c.buffer, parser, asio::redirect_error(asio::use_awaitable, r.ec));
  }
  r.got_response_bytes = parser.got_some();
  if (r.ec) co_return r;
  tcp_layer.expires_never();

  auto msg = parser.release();
  r.reusable = msg.keep_alive() && c.buffer.size() == 0;
  out.status = msg.result_int();
  out.body = std::move(msg.body());
  out.headers = std::move(static_cast<beast::http::fields&>(msg.base()));
  co_return r;
}

}  // namespace lg::net::detail
