// client_ip.cpp: CIDR parsing and matching, and the trusted-proxy X-Forwarded-For walk.
#include "gateway/client_ip.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace lg::gateway {
namespace {

asio::ip::address ip(const char* s) { return asio::ip::make_address(s); }

TEST(IpBlock, ParsesAndMatches) {
  struct block_case {
    const char* cidr;
    std::vector<const char*> inside, outside;
  };
  const block_case cases[] = {
      {"10.0.0.0/8", {"10.1.2.3"}, {"11.0.0.1", "::1"}},
      {"192.168.1.128/25", {"192.168.1.200"}, {"192.168.1.127"}},
      // An IPv4-mapped IPv6 peer is the same host.
      {"127.0.0.1", {"127.0.0.1", "::ffff:127.0.0.1"}, {"127.0.0.2"}},
      {"fd00::/8", {"fd12::1"}, {"fe80::1"}},
      {"0.0.0.0/0", {"8.8.8.8"}, {}},
  };
  for (const auto& c : cases) {
    const auto b = ip_block::parse(c.cidr);
    ASSERT_TRUE(b) << c.cidr;
    for (const char* a : c.inside) EXPECT_TRUE(b->contains(ip(a))) << c.cidr << " " << a;
    for (const char* a : c.outside) EXPECT_FALSE(b->contains(ip(a))) << c.cidr << " " << a;
  }
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
