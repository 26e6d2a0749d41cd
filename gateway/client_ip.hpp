// Who sent a request: the TCP peer, or — when the peer is one of our trusted proxies — the
// right-most address in X-Forwarded-For that is not itself a trusted proxy.
#pragma once

#include "core/asio.hpp"

#include <array>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

namespace lg::gateway {

// One IP or CIDR block ("10.0.0.0/8", "192.168.1.7", "fd00::/8", "::1").
struct ip_block {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};
  unsigned prefix = 0;  // significant bits

  static std::expected<ip_block, std::string> parse(std::string_view text);
  bool contains(const asio::ip::address& addr) const noexcept;
};

class proxy_list {
 public:
  proxy_list() = default;
  // Errors name the entry: "trusted_proxies[1]: not an IP address or CIDR block".
  static std::expected<proxy_list, std::string> parse(const std::vector<std::string>& entries);
  bool trusted(const asio::ip::address& addr) const noexcept;
  bool empty() const noexcept { return blocks_.empty(); }

 private:
  std::vector<ip_block> blocks_;
};

// IPv4-mapped IPv6 addresses ("::ffff:1.2.3.4") become plain IPv4.
asio::ip::address unmap(const asio::ip::address& addr);

// The client address as text. `forwarded_for` is the X-Forwarded-For value (several
// headers joined with ','), empty when absent. An unparsable entry stops the walk: what we
// have found so far is the best we can believe.
std::string client_ip(const asio::ip::address& peer, std::string_view forwarded_for, const proxy_list& proxies);

}  // namespace lg::gateway
