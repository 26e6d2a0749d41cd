// A tiny blocking HTTP/1.1 client for tests: one TCP connection, requests written as raw
// bytes or built with Beast, answers parsed with Beast, every operation bounded by a
// socket timeout so a hung server fails the test instead of hanging it. The Beast reads and
// writes live in http_test_client.cpp (built once, in lg_test_support).
#pragma once

#include "core/asio.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>

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
  explicit http_test_client(unsigned short port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~http_test_client();
  http_test_client(const http_test_client&) = delete;
  http_test_client& operator=(const http_test_client&) = delete;

  // Sends one request and reads its answer. Throws boost::system::system_error on I/O errors.
  http_answer request(http::verb method, const std::string& target, const std::string& body = {},
                      const std::map<std::string, std::string>& headers = {});

  // Writes raw bytes (for malformed or slow requests).
  void send_raw(std::string_view bytes);

  http_answer read_answer(bool head = false);

  // True when the server has closed the connection (read returns EOF or reset).
  bool closed_by_peer();

  asio::ip::tcp::socket& socket();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

// One request on a fresh connection.
http_answer http_request(unsigned short port, http::verb method, const std::string& target,
                         const std::string& body = {}, const std::map<std::string, std::string>& headers = {});

}  // namespace lg::test
