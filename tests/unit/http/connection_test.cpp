// One request/response exchange over a socketpair: the reply is scripted byte by byte by the
// test, so framing, limits, reuse decisions and timeouts are checked without a network.
#include "http/connection.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

namespace lg::net::detail {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;

outgoing post(std::string body) {
  outgoing req{http::verb::post, "/hook?x=1", 11};
  req.set(http::field::host, "receiver");
  req.body() = std::move(body);
  req.prepare_payload();
  return req;
}

struct harness {
  asio::io_context io;
  http_connection conn;
  int peer = -1;
  http_response out;  // what the last exchange read

  harness() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    conn.plain.emplace(io);
    conn.plain->socket().assign(asio::ip::tcp::v4(), fds[0]);
    peer = fds[1];
  }
  ~harness() {
    if (peer >= 0) ::close(peer);
  }
  void reply(std::string_view bytes) { ASSERT_EQ(::write(peer, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())); }
  std::string sent() {
    char buf[4096];
    const auto n = ::recv(peer, buf, sizeof buf, MSG_DONTWAIT);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
  }
  exchange_result run(outgoing req, std::size_t limit = 1024, std::chrono::milliseconds read_timeout = 2s) {
    exchange_result r;
    bool done = false;
    asio::co_spawn(io, async_exchange(conn, req, read_timeout, clock::now() + 5s, limit, out),
                   [&](std::exception_ptr e, exchange_result x) {
                     if (e) std::rethrow_exception(e);
                     r = x;
                     done = true;
                   });
    io.run_for(5s);
    EXPECT_TRUE(done);
    return r;
  }
  // The peer's reply is `bytes` (written before the request is sent): a POST of `body`.
  exchange_result replied(std::string_view bytes, std::string body = "", std::size_t limit = 1024) {
    reply(bytes);
    return run(post(std::move(body)), limit);
  }
};

TEST(HttpConnection, CompleteKeepAliveReplyIsReusable) {
  harness h;
  const auto r = h.replied("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\nX-A: b\r\n\r\nok", "{}");
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_TRUE(r.reusable);
  EXPECT_EQ(h.out.status, 202u);
  EXPECT_EQ(h.out.body, "ok");
  EXPECT_EQ(h.out.header("x-a"), "b");
  const auto wire = h.sent();
  EXPECT_TRUE(wire.starts_with("POST /hook?x=1 HTTP/1.1\r\n")) << wire;
  EXPECT_TRUE(wire.ends_with("\r\n\r\n{}")) << wire;
}

TEST(HttpConnection, ChunkedReplyIsReadWhole) {
  harness h;
  const auto r = h.replied("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
  ASSERT_FALSE(r.ec) << r.ec.message();
  EXPECT_EQ(h.out.body, "abcde");
  EXPECT_TRUE(r.reusable);
}

TEST(HttpConnection, ConnectionCloseOrLeftoverBytesAreNotReusable) {
  {
    harness h;
    const auto r = h.replied("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    ASSERT_FALSE(r.ec);
    EXPECT_FALSE(r.reusable);
  }
  {
    harness h;  // a second, unasked-for reply: the stream's framing can no longer be trusted
    const auto r = h.replied("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n");
    ASSERT_FALSE(r.ec);
    EXPECT_FALSE(r.reusable);
  }
}

TEST(HttpConnection, BodyAndHeaderLimits) {
  {
    harness h;
    const auto r = h.replied("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", "", 10);
    EXPECT_EQ(r.ec, http::error::body_limit);
  }
  {
    harness h;
    const auto r = h.replied("HTTP/1.1 200 OK\r\nX-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n");
    EXPECT_EQ(r.ec, http::error::header_limit);
  }
}

TEST(HttpConnection, ReadTimeoutWhenNothingComes) {
  harness h;
  const auto t0 = clock::now();
  const auto r = h.run(post(""), 1024, 100ms);
  EXPECT_EQ(r.ec, boost::beast::error::timeout);
  EXPECT_FALSE(r.got_response_bytes);
  EXPECT_LT(clock::now() - t0, 2s);
}

TEST(HttpConnection, PeerCloseBeforeOrDuringTheReply) {
  {
    harness h;
    ::shutdown(h.peer, SHUT_WR);  // closes without a reply
    const auto r = h.run(post(""));
    EXPECT_TRUE(r.ec);
    EXPECT_FALSE(r.got_response_bytes);
  }
  {
    harness h;
    h.reply("HTTP/1.1 200 OK\r\nContent-Len");
    ::shutdown(h.peer, SHUT_WR);
    const auto r = h.run(post(""));
    EXPECT_TRUE(r.ec);
    EXPECT_TRUE(r.got_response_bytes);  // so the request is never silently resent
  }
}

TEST(HttpConnection, LooksAliveSeesAClosedPeer) {
  harness h;
  EXPECT_TRUE(h.conn.looks_alive());
  ::close(h.peer);
  h.peer = -1;
  EXPECT_FALSE(h.conn.looks_alive());
}

}  // namespace
}  // namespace lg::net::detail
