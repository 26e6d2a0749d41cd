// http_client without a network: input validation and configuration errors. The behaviour on
// the wire (TLS, pooling, timeouts, retries) is in tests/integration/http_client_test.cpp.
#include "http/client.hpp"

#include <gtest/gtest.h>

#include <optional>

namespace lg::net {
namespace {

using result = std::expected<http_response, core::error>;

result run(asio::io_context& io, http_client& client, http_request req) {
  std::optional<result> out;
  asio::co_spawn(io, client.async_request(std::move(req)), [&](std::exception_ptr e, result r) {
    if (e) std::rethrow_exception(e);
    out = std::move(r);
  });
  io.run_for(std::chrono::seconds(10));
  if (!out) return std::unexpected(core::make_error(core::errc::internal, "did not finish"));
  return std::move(*out);
}

TEST(HttpClientUnit, BadUrlsFailBeforeAnyConnection) {
  asio::io_context io;
  http_client_options o;
  o.use_system_ca = false;
  http_client client(io.get_executor(), o);
  for (const char* url : {"", "ftp://x/", "https://u:p@x/", "https://[::1/", "http://x:99999/"}) {
    http_request r;
    r.url = url;
    io.restart();
    auto out = run(io, client, r);
    ASSERT_FALSE(out) << url;
    EXPECT_EQ(out.error().code, core::errc::invalid_field) << url;
    EXPECT_EQ(out.error().field, "url") << url;
  }
  EXPECT_EQ(client.stats().connections_opened, 0u);
  EXPECT_EQ(client.stats().requests, 0u);
  EXPECT_EQ(client.idle_connections(), 0u);
}

TEST(HttpClientUnit, UnreadableCaFileIsAStartupErrorNamingTheFile) {
  asio::io_context io;
  http_client_options o;
  o.extra_ca_file = "/nonexistent/leadgate-ca.pem";
  try {
    http_client client(io.get_executor(), o);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/leadgate-ca.pem"), std::string::npos);
  }
  o.extra_ca_file = std::string(LG_FIXTURES_DIR) + "/tls/ca.pem";
  EXPECT_NO_THROW(http_client(io.get_executor(), o));
}

TEST(HttpClientUnit, ResponseHeaderLookupIsCaseInsensitive) {
  http_response r;
  r.headers.set("Retry-After", "120");
  r.headers.insert("Set-Cookie", "a=1");
  r.headers.insert("Set-Cookie", "b=2");
  EXPECT_EQ(r.header("retry-after"), "120");
  EXPECT_EQ(r.header("RETRY-AFTER"), "120");
  EXPECT_EQ(r.header("set-cookie"), "a=1");  // the first of several
  EXPECT_EQ(r.header("x-missing"), "");
}

}  // namespace
}  // namespace lg::net
