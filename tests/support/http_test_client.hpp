// A tiny blocking HTTP/1.1 client for tests: one TCP connection, requests written as raw
// bytes or built with Beast, answers parsed with Beast, every operation bounded by a
// socket timeout so a hung server fails the test instead of hanging it.
#pragma once

#include "core/asio.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <map>
#include <string>

namespace lg::test {

namespace http = boost::beast::http;

struct http_answer {
  unsigned status = 0;
  std::string body;
  http::response<http::string_body> raw;
  std::string header(std::string_view name) const { return std::string(raw[name]); }
};

class http_test_client {
 public:
  http_test_client(unsigned short port, std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : socket_(ioc_) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
    timeval tv{};
    tv.tv_sec = static_cast<long>(timeout.count() / 1000);
    tv.tv_usec = static_cast<long>((timeout.count() % 1000) * 1000);
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  // Sends one request and reads its answer. Throws boost::system::system_error on I/O errors.
  http_answer request(http::verb method, const std::string& target, const std::string& body = {},
                      const std::map<std::string, std::string>& headers = {}) {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    if (!body.empty() || method == http::verb::post) req.prepare_payload();
    http::write(socket_, req);
    return read_answer();
  }

  // Writes raw bytes (for malformed or slow requests).
  void send_raw(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes.data(), bytes.size())); }

  http_answer read_answer(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64u << 20);
    parser.skip(head);
    http::read(socket_, buffer_, parser);
    http_answer a;
    a.raw = parser.release();
    a.status = a.raw.result_int();
    a.body = a.raw.body();
    return a;
  }

  // True when the server has closed the connection (read returns EOF or reset).
  bool closed_by_peer() {
    boost::system::error_code ec;
    char c;
    socket_.read_some(asio::buffer(&c, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

  asio::ip::tcp::socket& socket() { return socket_; }

 private:
  asio::io_context ioc_;
  asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// One request on a fresh connection.
inline http_answer http_request(unsigned short port, http::verb method, const std::string& target,
                                const std::string& body = {}, const std::map<std::string, std::string>& headers = {}) {
  http_test_client c(port);
  return c.request(method, target, body, headers);
}

}  // namespace lg::test
