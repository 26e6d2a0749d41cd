// client_ip.cpp: CIDR parsing and matching, and the trusted-proxy X-Forwarded-For walk.
#include "gateway/client_ip.hpp"

#include <gtest/gtest.h>

namespace lg::gateway {
namespace {

asio::ip::address ip(const char* s) { return asio::ip::make_address(s); }

TEST(IpBlock, ParsesAndMatches) {
  auto b = ip_block::parse("10.0.0.0/8");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->contains(ip("10.1.2.3")));
  EXPECT_FALSE(b->contains(ip("11.0.0.1")));
  EXPECT_FALSE(b->contains(ip("::1")));

  auto odd = ip_block::parse("192.168.1.128/25");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->contains(ip("192.168.1.200")));
  EXPECT_FALSE(odd->contains(ip("192.168.1.127")));

  auto single = ip_block::parse("127.0.0.1");
  ASSERT_TRUE(single);
  EXPECT_TRUE(single->contains(ip("127.0.0.1")));
  EXPECT_FALSE(single->contains(ip("127.0.0.2")));
  // An IPv4-mapped IPv6 peer is the same host.
  EXPECT_TRUE(single->contains(ip("::ffff:127.0.0.1")));

  auto v6 = ip_block::parse("fd00::/8");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains(ip("fd12::1")));
  EXPECT_FALSE(v6->contains(ip("fe80::1")));

  auto all = ip_block::parse("0.0.0.0/0");
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains(ip("8.8.8.8")));
}

TEST(IpBlock, RejectsGarbage) {
  for (const char* s : {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "abc", "::/129", "1.2.3.4/x"}) {
    EXPECT_FALSE(ip_block::parse(s)) << s;
  }
}

TEST(ProxyList, ErrorNamesEntry) {
  auto l = proxy_list::parse({"10.0.0.0/8", "nope"});
  ASSERT_FALSE(l);
  EXPECT_EQ(l.error(), "trusted_proxies[1]: not an IP address or CIDR block");
}

TEST(ClientIp, UntrustedPeerIgnoresHeader) {
  auto proxies = *proxy_list::parse({"10.0.0.0/8"});
  EXPECT_EQ(client_ip(ip("203.0.113.9"), "1.2.3.4", proxies), "203.0.113.9");
  EXPECT_EQ(client_ip(ip("203.0.113.9"), "", proxy_list{}), "203.0.113.9");
}

TEST(ClientIp, TrustedPeerTakesRightmostUntrusted) {
  auto proxies = *proxy_list::parse({"10.0.0.0/8", "172.16.0.1"});
  // Client forged the first entry; the proxies appended the real one and themselves.
  EXPECT_EQ(client_ip(ip("10.0.0.5"), "6.6.6.6, 198.51.100.7, 172.16.0.1", proxies), "198.51.100.7");
  EXPECT_EQ(client_ip(ip("10.0.0.5"), "198.51.100.7", proxies), "198.51.100.7");
  // All hops trusted: the left-most is the best we know.
  EXPECT_EQ(client_ip(ip("10.0.0.5"), "10.9.9.9,172.16.0.1", proxies), "10.9.9.9");
  // Garbage stops the walk at what was believable.
  EXPECT_EQ(client_ip(ip("10.0.0.5"), "198.51.100.7, garbage", proxies), "10.0.0.5");
  EXPECT_EQ(client_ip(ip("10.0.0.5"), "garbage, 198.51.100.7", proxies), "198.51.100.7");
  // Trusted peer without the header.
  EXPECT_EQ(client_ip(ip("10.0.0.5"), "", proxies), "10.0.0.5");
}

}  // namespace
}  // namespace lg::gateway
