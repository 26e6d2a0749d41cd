#include "webhooks/http_url.hpp"

#include <gtest/gtest.h>

namespace lg::webhooks {
namespace {

TEST(HttpUrl, HttpsDefaultsPortAndPath) {
  auto u = parse_http_url("https://Example.COM");
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->target, "/");
  EXPECT_FALSE(u->host_is_ip);
  EXPECT_EQ(u->origin(), "https://example.com:443");
  EXPECT_EQ(u->host_header(), "example.com");
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
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8443);
  EXPECT_EQ(u->host_header(), "[::1]:8443");
  EXPECT_EQ(u->origin(), "https://[::1]:8443");
  auto d = parse_http_url("http://[2001:DB8::1]");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host, "2001:db8::1");
  EXPECT_EQ(d->port, 80);
  EXPECT_EQ(d->host_header(), "[2001:db8::1]");
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

TEST(PercentEncode, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(percent_encode("a b&c=d/e?f#g+h%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
  EXPECT_EQ(percent_encode("{\"user_id\":\"1\"}"), "%7B%22user_id%22%3A%221%22%7D");
  EXPECT_EQ(percent_encode("Nguy\xE1\xBB\x85n"), "Nguy%E1%BB%85n");  // UTF-8 bytes, upper-case hex
  EXPECT_EQ(percent_encode(std::string_view("\0", 1)), "%00");
  EXPECT_EQ(percent_encode(""), "");
}

}  // namespace
}  // namespace lg::webhooks
