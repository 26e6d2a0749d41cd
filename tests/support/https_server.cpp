// The Beast/Asio side of the test HTTP(S) server of https_server.hpp: an acceptor coroutine and
// one coroutine per connection on the server's own io_context thread.
#include "support/https_server.hpp"

#include "core/asio.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <atomic>
#include <future>
#include <map>
#include <thread>

namespace lg::test {

struct https_server::impl {
  impl(request_handler h, https_server_options o)
      : handler(std::move(h)), options(std::move(o)), tls(asio::ssl::context::tls_server),
        acceptor(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    if (options.tls) {
      const std::string dir = std::string(LG_FIXTURES_DIR) + "/tls/";
      tls.use_certificate_chain_file(options.cert_file.empty() ? dir + "server.pem" : options.cert_file);
      tls.use_private_key_file(options.key_file.empty() ? dir + "server.key" : options.key_file,
                               asio::ssl::context::pem);
    }
  }

  request_handler handler;
  https_server_options options;
  // Declared so that the io_context (and the suspended coroutine frames it destroys, which
  // hold streams over `tls`) goes before the TLS context and after the acceptor.
  asio::ssl::context tls;
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor;
  std::thread thread;
  std::atomic<std::size_t> accepted{0};
  std::atomic<std::size_t> served{0};
  std::map<std::size_t, asio::ip::tcp::socket*> open;  // server thread only

  asio::awaitable<void> accept_loop() {
    for (;;) {
      boost::system::error_code ec;
      asio::ip::tcp::socket s = co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      const std::size_t id = ++accepted;
      asio::co_spawn(io, serve(std::move(s), id), asio::detached);
    }
  }

  asio::awaitable<void> serve(asio::ip::tcp::socket s, std::size_t id) {
    if (options.tls) {
      boost::beast::ssl_stream<boost::beast::tcp_stream> stream(boost::beast::tcp_stream(std::move(s)), tls);
      open[id] = &boost::beast::get_lowest_layer(stream).socket();
      boost::beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
      boost::system::error_code ec;
      co_await stream.async_handshake(asio::ssl::stream_base::server,
                                      asio::redirect_error(asio::use_awaitable, ec));
      if (!ec) co_await session(stream, id);
    } else {
      boost::beast::tcp_stream stream(std::move(s));
      open[id] = &stream.socket();
      co_await session(stream, id);
    }
    open.erase(id);
  }

  template <class Stream>
  asio::awaitable<void> session(Stream& stream, std::size_t id) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      boost::beast::http::request_parser<boost::beast::http::string_body> parser;
      parser.body_limit(16 * 1024 * 1024);
      boost::beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
      boost::system::error_code ec;
      co_await boost::beast::http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      auto req = parser.release();
      served_request in{req.method(), std::string(req.target()), static_cast<boost::beast::http::fields&>(req.base()),
                        std::move(req.body()), id};
      scripted_reply out = handler ? handler(in) : scripted_reply{};
      ++served;
      if (out.delay.count() > 0) {
        asio::steady_timer t(io, out.delay);
        co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      if (out.drop) co_return;  // the stream closes as it goes out of scope
      boost::beast::http::response<boost::beast::http::string_body> res{static_cast<boost::beast::http::status>(out.status), req.version()};
      for (auto& [name, value] : out.headers) res.set(name, value);
      res.body() = std::move(out.body);
      res.keep_alive(req.keep_alive() && !out.close_after);
      res.prepare_payload();
      // A reply to HEAD announces the length but carries no body.
      if (req.method() == boost::beast::http::verb::head) res.body().clear();
      co_await boost::beast::http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec || !res.keep_alive()) co_return;
    }
  }
};

https_server::https_server(request_handler handler, https_server_options options)
    : impl_(std::make_shared<impl>(std::move(handler), std::move(options))) {
  impl_->acceptor.listen();
  asio::co_spawn(impl_->io, impl_->accept_loop(), asio::detached);
  impl_->thread = std::thread([i = impl_.get()] { i->io.run(); });
}

https_server::~https_server() {
  impl_->io.stop();
  impl_->thread.join();
  // Coroutine frames still suspended are destroyed with the io_context, closing their sockets.
}

std::uint16_t https_server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::string https_server::url(std::string_view path) const {
  return (impl_->options.tls ? "https://127.0.0.1:" : "http://127.0.0.1:") + std::to_string(port()) +
         std::string(path);
}

std::size_t https_server::connections() const { return impl_->accepted.load(); }
std::size_t https_server::requests() const { return impl_->served.load(); }

void https_server::close_connections() {
  std::promise<void> done;
  asio::post(impl_->io, [&] {
    for (auto& [id, sock] : impl_->open) {
      boost::system::error_code ec;
      sock->shutdown(asio::ip::tcp::socket::shutdown_both, ec);
      sock->close(ec);
    }
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace lg::test
