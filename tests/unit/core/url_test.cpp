// core/url.cpp: the one URL parser and the address checks built on it.
#include "core/url.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace lg::core {
namespace {

// Whether `u` has `host`, `port` and `path`.
::testing::AssertionResult host_port_path(const url_parts& u, std::string_view host, std::string_view port,
                                          std::string_view path) {
  if (u.host == host && u.port == port && u.path == path) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "host \"" << u.host << "\", port \"" << u.port << "\", path \"" << u.path
                                       << "\"";
}

TEST(ParseUrl, Parts) {
  const auto u = parse_url("HTTPS://user:pw@Example.vn:8443/a/b?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->userinfo, "user:pw");
  EXPECT_TRUE(host_port_path(*u, "Example.vn", "8443", "/a/b"));
  EXPECT_EQ(u->query, "x=1");
}

TEST(ParseUrl, Ipv6AndUnix) {
  const auto v6 = parse_url("redis://[::1]:6379/0");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(host_port_path(*v6, "::1", "6379", "/0"));
  const auto ux = parse_url("unix:///run/redis.sock");
  ASSERT_TRUE(ux);
  EXPECT_EQ(ux->host, "");
  EXPECT_EQ(ux->path, "/run/redis.sock");
}

TEST(ParseUrl, Rejects) {
  for (const char* s : {"example.com", "://x", "1http://x", "http://exa mple.com", "http://x:", "http://x:123456",
                        "http://x:65536", "http://x:8a", "http://[::1", "http://[zz]/", "http://x/\x01",
                        "http://a<b>/"})
    EXPECT_FALSE(parse_url(s)) << s;
}

TEST(IsHttpUrl, Table) {
  for (const char* s : {"http://127.0.0.1:8080/thanks", "https://example.edu.vn"}) EXPECT_TRUE(is_http_url(s)) << s;
  for (const char* s : {"https://", "mailto://x", "/thanks"}) EXPECT_FALSE(is_http_url(s)) << s;
}

TEST(IpOrCidr, Table) {
  for (const char* s : {"10.1.2.3", "2001:db8::1"}) EXPECT_TRUE(is_ip_address(s)) << s;
  for (const char* s : {"10.1.2", "host"}) EXPECT_FALSE(is_ip_address(s)) << s;
  for (const char* s : {"10.0.0.0/8", "0.0.0.0/0", "2001:db8::/32", "::/128"}) EXPECT_TRUE(is_ip_or_cidr(s)) << s;
  for (const char* s : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "/8"}) EXPECT_FALSE(is_ip_or_cidr(s)) << s;
}

}  // namespace
}  // namespace lg::core
