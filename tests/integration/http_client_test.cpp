// http/http_client against the in-process test server (tests/support/https_server):
// TLS verification, keep-alive pooling, timeouts, size limits and stale-connection retries.
// Loopback only; every wait is bounded.
#include "http/client.hpp"

#include "support/https_server.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <atomic>
#include <optional>

namespace lg::net {
namespace {

using namespace std::chrono_literals;
namespace http = boost::beast::http;
using result = std::expected<http_response, core::error>;

http_client_options trusting_test_ca() {
  http_client_options o;
  o.extra_ca_file = test::test_ca_file();
  return o;
}

// Runs one request to completion on `io` (bounded).
result fetch(asio::io_context& io, http_client& client, http_request req) {
  std::optional<result> out;
  asio::co_spawn(io, client.async_request(std::move(req)), [&](std::exception_ptr e, result r) {
    if (e) std::rethrow_exception(e);
    out = std::move(r);
  });
  io.restart();
  io.run_for(20s);
  if (!out) return std::unexpected(core::make_error(core::errc::internal, "test: request did not finish in 20 s"));
  return std::move(*out);
}

http_request get(std::string url) {
  http_request r;
  r.url = std::move(url);
  return r;
}

TEST(HttpClient, GetAndPostOverHttps) {
  std::atomic<int> posts{0};
  test::https_server server([&](const test::served_request& r) {
    test::scripted_reply out;
    if (r.method == http::verb::post) {
      ++posts;
      out.status = 201;
      out.body = "got " + r.body + " " + std::string(r.headers["x-test"]) + " " +
                 std::string(r.headers[http::field::content_length]);
    } else {
      out.body = "hello " + r.target;
      out.headers = {{"X-Reply", "yes"}};
    }
    return out;
  });
  asio::io_context io;
  http_client client(io.get_executor(), trusting_test_ca());

  auto g = fetch(io, client, get(server.url("/a?b=1")));
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->status, 200u);
  EXPECT_EQ(g->body, "hello /a?b=1");
  EXPECT_EQ(g->header("x-reply"), "yes");
  EXPECT_EQ(g->header("absent"), "");
  EXPECT_FALSE(g->reused_connection);

  http_request p = get(server.url("/hook"));
  p.method = http::verb::post;
  p.body = "payload";
  p.headers = {{"X-Test", "t1"}, {"Content-Type", "application/json"}};
  auto r = fetch(io, client, p);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 201u);
  EXPECT_EQ(r->body, "got payload t1 7");
  EXPECT_TRUE(r->reused_connection);
  EXPECT_EQ(posts.load(), 1);
}

TEST(HttpClient, PlainHttpAndHead) {
  test::https_server server([](const test::served_request& r) {
    test::scripted_reply out;
    out.body = r.method == http::verb::head ? std::string(50, 'x') : "plain";
    return out;
  }, {.tls = false});
  asio::io_context io;
  http_client client(io.get_executor());
  auto g = fetch(io, client, get(server.url("/")));
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_EQ(g->body, "plain");
  http_request h = get(server.url("/"));
  h.method = http::verb::head;
  auto hr = fetch(io, client, h);
  ASSERT_TRUE(hr) << hr.error().message;
  EXPECT_EQ(hr->header("content-length"), "50");
  EXPECT_EQ(hr->body, "");
  // The HEAD reply carried no body bytes, so the connection stays usable.
  auto again = fetch(io, client, get(server.url("/")));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, "plain");
  EXPECT_EQ(server.connections(), 1u);
}

TEST(HttpClient, HostNameVerificationAndSniByName) {
  test::https_server server([](const test::served_request& r) {
    return test::scripted_reply{.body = std::string(r.headers[http::field::host])};
  });
  asio::io_context io;
  http_client client(io.get_executor(), trusting_test_ca());
  auto r = fetch(io, client, get("https://localhost:" + std::to_string(server.port()) + "/"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "localhost:" + std::to_string(server.port()));
}

TEST(HttpClient, RejectsACertificateFromAnUnknownCa) {
  test::https_server server([](const test::served_request&) { return test::scripted_reply{}; });
  asio::io_context io;
  http_client client(io.get_executor());  // system store only
  auto r = fetch(io, client, get(server.url("/")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::unavailable);
  EXPECT_NE(r.error().message.find("certificate verification failed"), std::string::npos) << r.error().message;
  EXPECT_EQ(server.requests(), 0u);
}

TEST(HttpClient, RejectsACertificateForAnotherHost) {
  test::https_server server([](const test::served_request&) { return test::scripted_reply{}; },
                            {.cert_file = std::string(LG_FIXTURES_DIR) + "/tls/wrong_host.pem",
                             .key_file = std::string(LG_FIXTURES_DIR) + "/tls/wrong_host.key"});
  asio::io_context io;
  http_client client(io.get_executor(), trusting_test_ca());
  for (std::string host : {"127.0.0.1", "localhost"}) {
    auto r = fetch(io, client, get("https://" + host + ":" + std::to_string(server.port()) + "/"));
    ASSERT_FALSE(r) << host;
    EXPECT_EQ(r.error().code, core::errc::unavailable);
    EXPECT_NE(r.error().message.find("certificate verification failed"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(server.requests(), 0u);
}

TEST(HttpClient, BadCaFileIsAStartupError) {
  asio::io_context io;
  http_client_options o;
  o.extra_ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(http_client(io.get_executor(), o), std::runtime_error);
}

TEST(HttpClient, KeepAliveServesAHundredRequestsOnOneConnection) {
  test::https_server server([](const test::served_request& r) { return test::scripted_reply{.body = r.target}; });
  asio::io_context io;
  http_client client(io.get_executor(), trusting_test_ca());
  for (int i = 0; i < 100; ++i) {
    auto r = fetch(io, client, get(server.url("/n/" + std::to_string(i))));
    ASSERT_TRUE(r) << i << ": " << r.error().message;
    ASSERT_EQ(r->body, "/n/" + std::to_string(i));
  }
  EXPECT_EQ(server.connections(), 1u);
  EXPECT_EQ(client.stats().connections_opened, 1u);
  EXPECT_EQ(client.stats().reused, 99u);
  EXPECT_EQ(client.idle_connections(), 1u);
}

TEST(HttpClient, ConcurrentRequestsOpenConnectionsAndThePoolStaysBounded) {
  test::https_server server([](const test::served_request&) {
    return test::scripted_reply{.body = "ok", .delay = 50ms};
  });
  asio::io_context io;
  auto opts = trusting_test_ca();
  opts.max_idle_per_origin = 4;
  http_client client(io.get_executor(), opts);
  constexpr int n = 12;
  int ok = 0;
  for (int i = 0; i < n; ++i)
    asio::co_spawn(io, client.async_request(get(server.url("/"))), [&](std::exception_ptr e, result r) {
      if (!e && r && r->body == "ok") ++ok;
    });
  io.run_for(20s);
  EXPECT_EQ(ok, n);
  EXPECT_EQ(server.connections(), static_cast<std::size_t>(n));  // all in flight at once
  EXPECT_EQ(client.idle_connections(), 4u);
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(fetch(io, client, get(server.url("/"))));
  EXPECT_EQ(server.connections(), static_cast<std::size_t>(n));  // served by pooled ones
}

// A listener whose accept queue is full: further SYNs are dropped, so connect never completes.
struct full_listener {
  int fd = -1;
  std::vector<int> fillers;
  std::uint16_t port = 0;
  full_listener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd, 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    for (int i = 0; i < 4; ++i) {
      int c = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      ::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
      fillers.push_back(c);
    }
    ::usleep(50'000);  // let the kernel finish the fillers' handshakes
  }
  ~full_listener() {
    for (int c : fillers) ::close(c);
    ::close(fd);
  }
};

TEST(HttpClient, ConnectTimeout) {
  full_listener blackhole;
  asio::io_context io;
  http_client client(io.get_executor(), trusting_test_ca());
  http_request r = get("http://127.0.0.1:" + std::to_string(blackhole.port) + "/");
  r.connect_timeout = 300ms;
  const auto t0 = std::chrono::steady_clock::now();
  auto out = fetch(io, client, r);
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, core::errc::timeout) << out.error().message;
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 3s);
}

TEST(HttpClient, ConnectionRefusedIsUnavailable) {
  std::uint16_t port = 0;
  {
    test::https_server gone([](const test::served_request&) { return test::scripted_reply{}; });
    port = gone.port();
  }
  asio::io_context io;
  http_client client(io.get_executor(), trusting_test_ca());
  auto out = fetch(io, client, get("https://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, core::errc::unavailable);
  EXPECT_NE(out.error().message.find("127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(HttpClient, ReadTimeoutAndTotalTimeout) {
  test::https_server server([](const test::served_request&) {
    return test::scripted_reply{.body = "late", .delay = 3s};
  });
  asio::io_context io;
  http_client client(io.get_executor(), trusting_test_ca());
  http_request r = get(server.url("/secret?token=abc"));
  r.read_timeout = 200ms;
  auto t0 = std::chrono::steady_clock::now();
  auto out = fetch(io, client, r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, core::errc::timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
  EXPECT_EQ(out.error().message.find("token=abc"), std::string::npos) << "query leaked: " << out.error().message;

  r.read_timeout = 10s;
  r.total_timeout = 300ms;
  t0 = std::chrono::steady_clock::now();
  out = fetch(io, client, r);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, core::errc::timeout);
  EXPECT_NE(out.error().message.find("total"), std::string::npos) << out.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(HttpClient, ResponseSizeLimitDropsTheConnection) {
  test::https_server server([](const test::served_request& r) {
    return test::scripted_reply{.body = std::string(r.target == "/big" ? 2 * 1024 * 1024 : 10, 'x')};
  });
  asio::io_context io;
  http_client client(io.get_executor(), trusting_test_ca());
  ASSERT_TRUE(fetch(io, client, get(server.url("/small"))));
  auto big = fetch(io, client, get(server.url("/big")));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, core::errc::payload_too_large) << big.error().message;
  EXPECT_EQ(client.idle_connections(), 0u);
  http_request roomy = get(server.url("/big"));
  roomy.body_limit = 3 * 1024 * 1024;
  auto ok = fetch(io, client, roomy);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->body.size(), 2u * 1024 * 1024);
  EXPECT_EQ(server.connections(), 2u);
}

TEST(HttpClient, IdleConnectionClosedByTheServerIsReplacedTransparently) {
  test::https_server server([](const test::served_request&) { return test::scripted_reply{.body = "ok"}; });
  asio::io_context io;
  http_client client(io.get_executor(), trusting_test_ca());
  ASSERT_TRUE(fetch(io, client, get(server.url("/"))));
  server.close_connections();
  ::usleep(20'000);  // the FIN crosses loopback
  http_request p = get(server.url("/"));
  p.method = http::verb::post;  // even a POST: the dead connection is noticed before sending
  p.body = "{}";
  auto r = fetch(io, client, p);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->reused_connection);
  EXPECT_EQ(server.connections(), 2u);
}

TEST(HttpClient, IdleTimeoutAndZeroIdleDisablePooling) {
  test::https_server server([](const test::served_request&) { return test::scripted_reply{.body = "ok"}; });
  asio::io_context io;
  auto opts = trusting_test_ca();
  opts.idle_timeout = 50ms;
  http_client client(io.get_executor(), opts);
  ASSERT_TRUE(fetch(io, client, get(server.url("/"))));
  ASSERT_TRUE(fetch(io, client, get(server.url("/"))));
  EXPECT_EQ(server.connections(), 1u);
  ::usleep(120'000);  // past the idle timeout
  ASSERT_TRUE(fetch(io, client, get(server.url("/"))));
  EXPECT_EQ(server.connections(), 2u);

  opts.max_idle_per_origin = 0;
  http_client no_pool(io.get_executor(), opts);
  ASSERT_TRUE(fetch(io, no_pool, get(server.url("/"))));
  ASSERT_TRUE(fetch(io, no_pool, get(server.url("/"))));
  EXPECT_EQ(no_pool.stats().connections_opened, 2u);
  EXPECT_EQ(no_pool.idle_connections(), 0u);
}

// A server that drops, without an answer, the connection of the second request it reads (the
// pooled one the first left idle); `seen` counts the requests. The client trusts the test CA.
struct second_request_dropped {
  std::atomic<int> seen{0};
  test::https_server server{
      [this](const test::served_request&) { return test::scripted_reply{.body = "ok", .drop = ++seen == 2}; }};
  asio::io_context io;
  http_client client{io.get_executor(), trusting_test_ca()};
};

TEST(HttpClient, StaleConnectionRetriedOnceForIdempotentRequests) {
  second_request_dropped t;
  ASSERT_TRUE(fetch(t.io, t.client, get(t.server.url("/"))));
  auto r = fetch(t.io, t.client, get(t.server.url("/")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(t.client.stats().stale_retries, 1u);
  EXPECT_EQ(t.server.connections(), 2u);
  EXPECT_EQ(t.seen.load(), 3);
}

TEST(HttpClient, PostIsNotResentAfterItWasWritten) {
  second_request_dropped t;
  ASSERT_TRUE(fetch(t.io, t.client, get(t.server.url("/"))));
  http_request p = get(t.server.url("/"));
  p.method = http::verb::post;
  p.body = "once";
  auto r = fetch(t.io, t.client, p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::unavailable);
  EXPECT_EQ(t.seen.load(), 2);  // the server saw the POST exactly once
  EXPECT_EQ(t.client.stats().stale_retries, 0u);
}

TEST(HttpClient, MalformedUrlFailsWithoutNetwork) {
  asio::io_context io;
  http_client client(io.get_executor());
  auto r = fetch(io, client, get("https://user:pw@example.com/"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::invalid_field);
  EXPECT_EQ(r.error().field, "url");
  EXPECT_EQ(client.stats().connections_opened, 0u);
}

}  // namespace
}  // namespace lg::net
