// config/url.cpp and config/field_targets.cpp.
#include "config/field_targets.hpp"
#include "config/url.hpp"

#include <gtest/gtest.h>

namespace lg::config {
namespace {

TEST(ParseUrl, Parts) {
  const auto u = parse_url("HTTPS://user:pw@Example.vn:8443/a/b?x=1#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->userinfo, "user:pw");
  EXPECT_EQ(u->host, "Example.vn");
  EXPECT_EQ(u->port, "8443");
  EXPECT_EQ(u->path, "/a/b");
  EXPECT_EQ(u->query, "x=1");
}

TEST(ParseUrl, Ipv6AndUnix) {
  const auto v6 = parse_url("redis://[::1]:6379/0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "6379");
  EXPECT_EQ(v6->path, "/0");
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
  EXPECT_TRUE(is_http_url("http://127.0.0.1:8080/thanks"));
  EXPECT_TRUE(is_http_url("https://example.edu.vn"));
  EXPECT_FALSE(is_http_url("https://"));
  EXPECT_FALSE(is_http_url("mailto://x"));
  EXPECT_FALSE(is_http_url("/thanks"));
}

TEST(IpOrCidr, Table) {
  EXPECT_TRUE(is_ip_address("10.1.2.3"));
  EXPECT_TRUE(is_ip_address("2001:db8::1"));
  EXPECT_FALSE(is_ip_address("10.1.2"));
  EXPECT_FALSE(is_ip_address("host"));
  EXPECT_TRUE(is_ip_or_cidr("10.0.0.0/8"));
  EXPECT_TRUE(is_ip_or_cidr("0.0.0.0/0"));
  EXPECT_TRUE(is_ip_or_cidr("2001:db8::/32"));
  EXPECT_TRUE(is_ip_or_cidr("::/128"));
  EXPECT_FALSE(is_ip_or_cidr("10.0.0.0/33"));
  EXPECT_FALSE(is_ip_or_cidr("::/129"));
  EXPECT_FALSE(is_ip_or_cidr("10.0.0.0/"));
  EXPECT_FALSE(is_ip_or_cidr("10.0.0.0/-1"));
  EXPECT_FALSE(is_ip_or_cidr("/8"));
}

TEST(FieldTargets, Known) {
  for (const char* t : {"full_name", "family_name", "given_name", "phone", "email", "city", "address", "message",
                        "page_url", "referrer", "utm_source", "utm_content", "interest.program", "consent.marketing",
                        "extra.ad_id"})
    EXPECT_TRUE(is_known_target(t)) << t;
  for (const char* t : {"", "fone", "interest", "interest.", "interest.Program", "consent.a-b", "other.key",
                        "utm_foo", ".program"})
    EXPECT_FALSE(is_known_target(t)) << t;
  EXPECT_TRUE(is_known_target("extra." + std::string(64, 'a')));
  EXPECT_FALSE(is_known_target("extra." + std::string(65, 'a')));
}

}  // namespace
}  // namespace lg::config
