// One connection's life: read a request within the limits and timeouts, dispatch it, write
// the answer, and repeat while keep-alive holds and the server is not shutting down.
#include "gateway/server_internal.hpp"

#include "logging/logging.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace lg::gateway {
namespace {

using namespace std::chrono_literals;
using asio::redirect_error;
using asio::use_awaitable;

// Keeps the worker's connection set and the server's connection count true however the
// coroutine ends (return, exception, or destruction at io_context teardown).
class registration {
 public:
  registration(worker& w, server::state& s, connection& c) : w_(w), s_(s), c_(c) { w_.connections.insert(&c_); }
  ~registration() {
    w_.connections.erase(&c_);
    s_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  }
  registration(const registration&) = delete;
  registration& operator=(const registration&) = delete;

 private:
  worker& w_;
  server::state& s_;
  connection& c_;
};

// The answer to a request that could not be read, or nullopt when the peer simply went
// away (closed, reset, timed out): then there is nobody to answer.
std::optional<response> read_error_response(const boost::system::error_code& ec) {
  if (ec == http::error::body_limit) {
    return error_response(core::make_error(core::errc::payload_too_large, "request body too large"));
  }
  if (ec == http::error::header_limit) {
    return error_response(http::status::request_header_fields_too_large,
                          core::make_error(core::errc::bad_request, "request header too large"));
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message) return std::nullopt;
  if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
    return error_response(core::make_error(core::errc::bad_request, "malformed HTTP request: " + ec.message()));
  }
  return std::nullopt;
}

bool expects_continue(const request& req) {
  const auto v = req[http::field::expect];
  return v.size() == 12 && beast::iequals(v, "100-continue");
}

// After an error answer the client may still be sending; reading a bounded amount before
// closing keeps the kernel from resetting the connection under the answer.
awaitable<void> drain(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  std::size_t total = 0;
  while (!ec && total < (4u << 20)) {
    buffer.clear();
    stream.expires_after(500ms);
    total += co_await stream.async_read_some(buffer.prepare(16384), redirect_error(use_awaitable, ec));
  }
}

}  // namespace

awaitable<void> run_session(worker& w, server::state& s, tcp::socket socket) {
  const auto& cfg = s.opts.server;
  beast::tcp_stream stream(std::move(socket));
  connection conn{&stream, true};
  registration reg(w, s, conn);
  boost::system::error_code ec;
  const auto peer = stream.socket().remote_endpoint(ec).address();
  stream.socket().set_option(tcp::no_delay(true), ec);
  beast::flat_buffer buffer;
  bool first = true;

  for (;;) {
    if (buffer.size() == 0) {
      // Between requests: the connection is idle, and shutdown may close it under us.
      conn.idle = true;
      if (w.stopping) break;
      stream.expires_after(first ? cfg.read_timeout : cfg.idle_timeout);
      const std::size_t n =
          co_await stream.async_read_some(buffer.prepare(8192), redirect_error(use_awaitable, ec));
      conn.idle = false;
      if (ec) break;
      buffer.commit(n);
    }
    conn.idle = false;
    first = false;

    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(cfg.header_limit, UINT32_MAX)));
    parser.body_limit(cfg.body_limit);
    stream.expires_after(cfg.read_timeout);
    co_await http::async_read_header(stream, buffer, parser, redirect_error(use_awaitable, ec));
    if (!ec && !parser.is_done()) {
      if (expects_continue(parser.get())) {
        http::response<http::empty_body> cont{http::status::continue_, 11};
        co_await http::async_write(stream, cont, redirect_error(use_awaitable, ec));
      }
      if (!ec) {
        stream.expires_after(cfg.read_timeout);
        co_await http::async_read(stream, buffer, parser, redirect_error(use_awaitable, ec));
      }
    }
    const auto started = std::chrono::steady_clock::now();

    response res;
    std::string_view route_label = "unmatched";
    bool keep_alive = false;
    unsigned version = 11;
    if (ec) {
      auto answer = read_error_response(ec);
      if (!answer) break;
      res = std::move(*answer);
      route_label = "invalid";
    } else {
      auto& req = parser.get();
      keep_alive = req.keep_alive();
      version = req.version();
      const auto [path, query] = split_target(req.target());
      request_context ctx{req, path, query, {}, peer, std::chrono::system_clock::now(), w.redis.get(),
                          s.opts.spool, w.index};
      try {
        res = co_await s.routes.dispatch(ctx, route_label);
      } catch (const std::exception& e) {
        // A handler bug must cost one request, not the connection's thread.
        logging::error("handler failed", {{"route", route_label}, {"error", e.what()}});
        res = error_response(core::make_error(core::errc::internal, "internal error"));
        keep_alive = false;
      }
    }
    keep_alive = keep_alive && !w.stopping;
    res.version(version);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    const unsigned status = res.result_int();

    stream.expires_after(cfg.write_timeout);
    co_await http::async_write(stream, res, redirect_error(use_awaitable, ec));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    s.stats.observe_request(route_label, status, seconds);
    if (logging::enabled(spdlog::level::debug)) {
      const std::string status_text = std::to_string(status);
      const std::string micros = std::to_string(static_cast<long long>(seconds * 1e6));
      logging::debug("request",
                   {{"route", route_label}, {"status", status_text}, {"us", micros}, {"peer", peer.to_string()}});
    }
    if (ec) break;
    if (!keep_alive) {
      if (route_label == "invalid") co_await drain(stream, buffer);
      break;
    }
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

awaitable<void> refuse_connection(tcp::socket socket, std::chrono::milliseconds write_timeout) {
  beast::tcp_stream stream(std::move(socket));
  auto res = error_response(core::make_error(core::errc::unavailable, "too many connections"));
  res.set(http::field::retry_after, "1");
  res.keep_alive(false);
  res.prepare_payload();
  boost::system::error_code ec;
  stream.expires_after(write_timeout);
  co_await http::async_write(stream, res, redirect_error(use_awaitable, ec));
  beast::flat_buffer buffer;
  if (!ec) co_await drain(stream, buffer);
  stream.socket().close(ec);
}

}  // namespace lg::gateway
