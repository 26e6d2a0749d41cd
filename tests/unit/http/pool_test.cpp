// The idle pool over socketpair()-backed connections: no network, but real file descriptors,
// so the dead-peer check is exercised for real.
#include "http/pool.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace lg::net::detail {
namespace {

using namespace std::chrono_literals;

// A connection over one end of a socketpair; the test keeps the other end, `peer`, which is
// closed with the pair_connection unless close_peer() closed it first.
struct pair_connection {
  pair_connection(std::unique_ptr<http_connection> c, int p) : conn(std::move(c)), raw(conn.get()), peer(p) {}
  pair_connection(pair_connection&& o) noexcept
      : conn(std::move(o.conn)), raw(o.raw), peer(std::exchange(o.peer, -1)) {}
  pair_connection& operator=(pair_connection&&) = delete;
  ~pair_connection() { close_peer(); }

  void close_peer() {
    if (peer >= 0) ::close(peer);
    peer = -1;
  }

  std::unique_ptr<http_connection> conn;
  http_connection* raw = nullptr;  // the connection, also once given to a pool
  int peer = -1;
};

class HttpPool : public ::testing::Test {
 protected:
  pair_connection make() {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    auto c = std::make_unique<http_connection>();
    c->plain.emplace(io);
    c->plain->socket().assign(asio::ip::tcp::v4(), fds[0]);
    return {std::move(c), fds[1]};
  }

  // A connection made and given back to `pool` for `origin`; the test keeps its peer.
  pair_connection given_back(http_pool& pool, const std::string& origin) {
    auto c = make();
    pool.give_back(origin, std::move(c.conn));
    return c;
  }

  asio::io_context io;
};

TEST_F(HttpPool, ReturnsTheMostRecentLiveConnectionPerOrigin) {
  http_pool pool(4, 30s);
  const auto a = given_back(pool, "https://a:443");
  const auto b = given_back(pool, "https://a:443");
  EXPECT_EQ(pool.idle(), 2u);
  EXPECT_EQ(pool.take("https://b:443"), nullptr);  // another origin shares nothing
  auto got = pool.take("https://a:443");
  EXPECT_EQ(got.get(), b.raw);
  EXPECT_EQ(pool.idle(), 1u);
}

TEST_F(HttpPool, BoundedPerOrigin) {
  http_pool pool(2, 30s);
  std::vector<pair_connection> given;
  for (int i = 0; i < 5; ++i) given.push_back(given_back(pool, "http://x:80"));
  EXPECT_EQ(pool.idle(), 2u);
}

TEST_F(HttpPool, SkipsConnectionsWhosePeerClosedOrSentBytes) {
  http_pool pool(4, 30s);
  const auto fine = given_back(pool, "o");
  auto closed = given_back(pool, "o");
  const auto chatty = given_back(pool, "o");
  closed.close_peer();
  ASSERT_EQ(::write(chatty.peer, "x", 1), 1);  // bytes nobody asked for: framing unknown
  auto got = pool.take("o");
  EXPECT_EQ(got.get(), fine.raw);  // the two newer, broken ones were discarded on the way
  EXPECT_EQ(pool.idle(), 0u);
  EXPECT_EQ(pool.take("o"), nullptr);
}

TEST_F(HttpPool, IdleTimeoutExpiresConnections) {
  http_pool pool(4, 20ms);
  const auto c = given_back(pool, "o");
  std::this_thread::sleep_for(40ms);
  EXPECT_EQ(pool.take("o"), nullptr);
  // The sweep on give_back also clears expired connections of other origins.
  const auto d = given_back(pool, "p");
  std::this_thread::sleep_for(40ms);
  const auto e = given_back(pool, "q");
  EXPECT_EQ(pool.idle(), 1u);
}

TEST_F(HttpPool, ZeroMaxIdleKeepsNothing) {
  http_pool pool(0, 30s);
  const auto c = given_back(pool, "o");
  EXPECT_EQ(pool.idle(), 0u);
}

}  // namespace
}  // namespace lg::net::detail
