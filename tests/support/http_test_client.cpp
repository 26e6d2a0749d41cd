// The Beast side of the blocking test client of http_test_client.hpp.
#include "support/http_test_client.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>
#include <sys/time.h>

namespace lg::test {

struct http_test_client::state {
  asio::io_context ioc;
  asio::ip::tcp::socket socket{ioc};
  boost::beast::flat_buffer buffer;
};

http_test_client::http_test_client(unsigned short port, std::chrono::milliseconds timeout)
    : state_(std::make_unique<state>()) {
  auto& s = state_->socket;
  s.connect({asio::ip::make_address("127.0.0.1"), port});
  timeval tv{};
  tv.tv_sec = static_cast<long>(timeout.count() / 1000);
  tv.tv_usec = static_cast<long>((timeout.count() % 1000) * 1000);
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(s.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

http_test_client::~http_test_client() = default;

http_answer http_test_client::request(http::verb method, const std::string& target, const std::string& body,
                                      const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req{method, target, 11};
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  if (!body.empty() || method == http::verb::post) req.prepare_payload();
  http::write(state_->socket, req);
  return read_answer();
}

void http_test_client::send_raw(std::string_view bytes) {
  asio::write(state_->socket, asio::buffer(bytes.data(), bytes.size()));
}

http_answer http_test_client::read_answer(bool head) {
  http::response_parser<http::string_body> parser;
  parser.body_limit(64u << 20);
  parser.skip(head);
  http::read(state_->socket, state_->buffer, parser);
  http_answer a;
  a.raw = parser.release();
  a.status = a.raw.result_int();
  a.body = a.raw.body();
  return a;
}

bool http_test_client::closed_by_peer() {
  boost::system::error_code ec;
  char c;
  state_->socket.read_some(asio::buffer(&c, 1), ec);
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

asio::ip::tcp::socket& http_test_client::socket() { return state_->socket; }

http_answer http_request(unsigned short port, http::verb method, const std::string& target, const std::string& body,
                         const std::map<std::string, std::string>& headers) {
  http_test_client c(port);
  return c.request(method, target, body, headers);
}

}  // namespace lg::test
