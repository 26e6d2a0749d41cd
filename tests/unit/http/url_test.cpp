#include "http/url.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace lg::net {
namespace {

// Whether `u` is `host` on `port`, which a Host header writes as `host_header`.
::testing::AssertionResult addresses(const http_url& u, std::string_view host, std::uint16_t port,
                                     std::string_view host_header) {
  if (u.host == host && u.port == port && u.host_header() == host_header) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "host " << u.host << ", port " << u.port << ", Host: " << u.host_header();
}

TEST(HttpUrl, HttpsDefaultsPortAndPath) {
  auto u = parse_http_url("https://Example.COM");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_TRUE(u->tls);
  EXPECT_TRUE(addresses(*u, "example.com", 443, "example.com"));
  EXPECT_EQ(u->target, "/");
  EXPECT_FALSE(u->host_is_ip);
  EXPECT_EQ(u->origin(), "https://example.com:443");
}

TEST(HttpUrl, HttpWithPortPathAndQuery) {
  auto u = parse_http_url("HTTP://crm.local:8080/rest/v11/Leads?filter[0][x]=1&max_num=20");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_FALSE(u->tls);
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->target, "/rest/v11/Leads?filter[0][x]=1&max_num=20");
  EXPECT_EQ(u->host_header(), "crm.local:8080");
  EXPECT_EQ(u->origin(), "http://crm.local:8080");
}

TEST(HttpUrl, QueryWithoutPathAndFragmentDropped) {
  auto u = parse_http_url("https://h.example?a=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/?a=1");
  auto v = parse_http_url("https://h.example/p#frag");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->target, "/p");
}

TEST(HttpUrl, Ipv4Literal) {
  auto u = parse_http_url("http://127.0.0.1:9/x");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->host_is_ip);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 9);
}

TEST(HttpUrl, Ipv6LiteralInBrackets) {
  auto u = parse_http_url("https://[::1]:8443/hook");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_TRUE(u->host_is_ip);
  EXPECT_TRUE(addresses(*u, "::1", 8443, "[::1]:8443"));
  EXPECT_EQ(u->origin(), "https://[::1]:8443");
  auto d = parse_http_url("http://[2001:DB8::1]");
  ASSERT_TRUE(d);
  EXPECT_TRUE(addresses(*d, "2001:db8::1", 80, "[2001:db8::1]"));
}

TEST(HttpUrl, RejectsBadInputWithAClearError) {
  struct row {
    const char* url;
    const char* why;
  };
  const row rows[] = {
      {"", "empty"},
      {"example.com/path", "no scheme"},
      {"ftp://example.com/", "scheme"},
      {"https://user:pass@example.com/", "userinfo"},
      {"https://@example.com/", "userinfo"},
      {"https:///path", "no host"},
      {"https://:443/", "no host"},
      {"https://example.com:/", "empty port"},
      {"https://example.com:0/", "port 0"},
      {"https://example.com:65536/", "port too big"},
      {"https://example.com:8o/", "port not a number"},
      {"https://[::1/", "unclosed bracket"},
      {"https://[not-ip]/", "bad ipv6"},
      {"https://[::1]x/", "junk after bracket"},
      {"https://::1/", "ipv6 without brackets"},
      {"https://exa mple.com/", "space in host"},
      {"https://example.com/a b", "space in path"},
      {"https://ex%41mple.com/", "percent in host"},
  };
  for (const auto& r : rows) {
    auto u = parse_http_url(r.url);
    ASSERT_FALSE(u) << r.url << " (" << r.why << ") was accepted";
    EXPECT_EQ(u.error().code, core::errc::invalid_field) << r.url;
    EXPECT_EQ(u.error().field, "url") << r.url;
    EXPECT_FALSE(u.error().message.empty()) << r.url;
  }
}

TEST(HttpUrl, RejectsOverlongUrlAndHost) {
  EXPECT_FALSE(parse_http_url("https://example.com/" + std::string(9000, 'a')));
  EXPECT_FALSE(parse_http_url("https://" + std::string(254, 'a') + "/"));
  EXPECT_TRUE(parse_http_url("https://" + std::string(253, 'a') + "/"));
}

TEST(HttpUrl, ErrorDoesNotEchoCredentials) {
  auto u = parse_http_url("https://admin:s3cret@example.com/");
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().message.find("s3cret"), std::string::npos);
}

}  // namespace
}  // namespace lg::net
