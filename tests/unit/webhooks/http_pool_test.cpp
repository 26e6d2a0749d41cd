// The idle pool over socketpair()-backed connections: no network, but real file descriptors,
// so the dead-peer check is exercised for real.
#include "webhooks/http_pool.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace lg::webhooks::detail {
namespace {

using namespace std::chrono_literals;

struct pair_connection {
  std::unique_ptr<http_connection> conn;
  int peer = -1;  // the other end, owned by the test
};

pair_connection make(asio::io_context& io) {
  int fds[2];
  EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  auto c = std::make_unique<http_connection>();
  c->plain.emplace(io);
  c->plain->socket().assign(asio::ip::tcp::v4(), fds[0]);
  return {std::move(c), fds[1]};
}

TEST(HttpPool, ReturnsTheMostRecentLiveConnectionPerOrigin) {
  asio::io_context io;
  http_pool pool(4, 30s);
  auto a = make(io);
  auto b = make(io);
  http_connection* b_raw = b.conn.get();
  pool.give_back("https://a:443", std::move(a.conn));
  pool.give_back("https://a:443", std::move(b.conn));
  EXPECT_EQ(pool.idle(), 2u);
  EXPECT_EQ(pool.take("https://b:443"), nullptr);  // another origin shares nothing
  auto got = pool.take("https://a:443");
  EXPECT_EQ(got.get(), b_raw);
  EXPECT_EQ(pool.idle(), 1u);
  ::close(a.peer);
  ::close(b.peer);
}

TEST(HttpPool, BoundedPerOrigin) {
  asio::io_context io;
  http_pool pool(2, 30s);
  std::vector<int> peers;
  for (int i = 0; i < 5; ++i) {
    auto c = make(io);
    peers.push_back(c.peer);
    pool.give_back("http://x:80", std::move(c.conn));
  }
  EXPECT_EQ(pool.idle(), 2u);
  for (int p : peers) ::close(p);
}

TEST(HttpPool, SkipsConnectionsWhosePeerClosedOrSentBytes) {
  asio::io_context io;
  http_pool pool(4, 30s);
  auto fine = make(io);
  auto closed = make(io);
  auto chatty = make(io);
  http_connection* fine_raw = fine.conn.get();
  pool.give_back("o", std::move(fine.conn));
  pool.give_back("o", std::move(closed.conn));
  pool.give_back("o", std::move(chatty.conn));
  ::close(closed.peer);
  ASSERT_EQ(::write(chatty.peer, "x", 1), 1);  // bytes nobody asked for: framing unknown
  auto got = pool.take("o");
  EXPECT_EQ(got.get(), fine_raw);  // the two newer, broken ones were discarded on the way
  EXPECT_EQ(pool.idle(), 0u);
  EXPECT_EQ(pool.take("o"), nullptr);
  ::close(fine.peer);
  ::close(chatty.peer);
}

TEST(HttpPool, IdleTimeoutExpiresConnections) {
  asio::io_context io;
  http_pool pool(4, 20ms);
  auto c = make(io);
  pool.give_back("o", std::move(c.conn));
  std::this_thread::sleep_for(40ms);
  EXPECT_EQ(pool.take("o"), nullptr);
  // The sweep on give_back also clears expired connections of other origins.
  auto d = make(io);
  auto e = make(io);
  pool.give_back("p", std::move(d.conn));
  std::this_thread::sleep_for(40ms);
  pool.give_back("q", std::move(e.conn));
  EXPECT_EQ(pool.idle(), 1u);
  ::close(c.peer);
  ::close(d.peer);
  ::close(e.peer);
}

TEST(HttpPool, ZeroMaxIdleKeepsNothing) {
  asio::io_context io;
  http_pool pool(0, 30s);
  auto c = make(io);
  pool.give_back("o", std::move(c.conn));
  EXPECT_EQ(pool.idle(), 0u);
  ::close(c.peer);
}

}  // namespace
}  // namespace lg::webhooks::detail
