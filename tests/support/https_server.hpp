// A tiny in-process HTTP/1.1 server for tests: HTTPS (the test certificate in
// tests/fixtures/tls) or plain HTTP, on 127.0.0.1 port 0, on its own thread, answering each
// request with what a scripted handler returns (status, headers, body, a stall, a close or a
// drop without answering). Used by the HTTP client tests and as the base of fake provider APIs
// (Zalo OA, Graph, SugarCRM). The handler runs on the server's thread: keep what it shares
// with the test atomic or locked. The Beast/Asio server lives in https_server.cpp (built once,
// in lg_test_support): this header holds only the interface.
#pragma once

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::test {

struct served_request {
  boost::beast::http::verb method{};
  std::string target;
  boost::beast::http::fields headers;
  std::string body;
  std::size_t connection = 0;  // 1-based number of the connection it came on
};

struct scripted_reply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};  // stall this long before answering
  bool close_after = false;            // answer with Connection: close, then close
  bool drop = false;                   // close the connection without answering
};

using request_handler = std::function<scripted_reply(const served_request&)>;

struct https_server_options {
  bool tls = true;
  std::string cert_file;  // empty: tests/fixtures/tls/server.pem
  std::string key_file;   // empty: tests/fixtures/tls/server.key
};

class https_server {
 public:
  explicit https_server(request_handler handler, https_server_options options = {});
  ~https_server();  // stops the thread; open connections are closed
  https_server(const https_server&) = delete;
  https_server& operator=(const https_server&) = delete;

  std::uint16_t port() const;
  // "https://127.0.0.1:<port><path>" (http:// without TLS).
  std::string url(std::string_view path = "/") const;
  std::size_t connections() const;  // accepted so far
  std::size_t requests() const;     // answered or dropped so far
  // Closes every open connection (idle keep-alive ones included) and returns once done.
  void close_connections();

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

// The test CA that signed the server certificates (trust it with extra_ca_file).
inline std::string test_ca_file() { return std::string(LG_FIXTURES_DIR) + "/tls/ca.pem"; }

}  // namespace lg::test
