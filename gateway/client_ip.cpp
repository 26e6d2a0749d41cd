// Trusted-proxy handling for X-Forwarded-For; see client_ip.hpp.
#include "gateway/client_ip.hpp"

#include <charconv>

namespace lg::gateway {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool parse_address(std::string_view text, asio::ip::address& out) {
  boost::system::error_code ec;
  out = asio::ip::make_address(std::string(text), ec);
  if (ec) return false;
  out = unmap(out);
  return true;
}

}  // namespace

asio::ip::address unmap(const asio::ip::address& addr) {
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, addr.to_v6());
  }
  return addr;
}

std::expected<ip_block, std::string> ip_block::parse(std::string_view text) {
  text = trim(text);
  std::string_view host = text;
  std::string_view bits;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    host = text.substr(0, slash);
    bits = text.substr(slash + 1);
  }
  asio::ip::address addr;
  if (host.empty() || !parse_address(host, addr)) return std::unexpected("not an IP address or CIDR block");
  ip_block b;
  b.v6 = addr.is_v6();
  const unsigned max_bits = b.v6 ? 128 : 32;
  b.prefix = max_bits;
  if (!bits.empty() || text.find('/') != std::string_view::npos) {
    unsigned p = 0;
    auto [ptr, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), p);
    if (bits.empty() || ec != std::errc{} || ptr != bits.data() + bits.size() || p > max_bits) {
      return std::unexpected("bad prefix length");
    }
    b.prefix = p;
  }
  if (b.v6) {
    const auto raw = addr.to_v6().to_bytes();
    std::copy(raw.begin(), raw.end(), b.bytes.begin());
  } else {
    const auto raw = addr.to_v4().to_bytes();
    std::copy(raw.begin(), raw.end(), b.bytes.begin());
  }
  return b;
}

bool ip_block::contains(const asio::ip::address& raw_addr) const noexcept {
  const auto addr = unmap(raw_addr);
  if (addr.is_v6() != v6) return false;
  std::array<unsigned char, 16> other{};
  if (v6) {
    const auto raw = addr.to_v6().to_bytes();
    std::copy(raw.begin(), raw.end(), other.begin());
  } else {
    const auto raw = addr.to_v4().to_bytes();
    std::copy(raw.begin(), raw.end(), other.begin());
  }
  unsigned left = prefix;
  for (std::size_t i = 0; left > 0; ++i) {
    const unsigned take = left >= 8 ? 8 : left;
    const auto mask = static_cast<unsigned char>(0xFFu << (8 - take));
    if ((bytes[i] & mask) != (other[i] & mask)) return false;
    left -= take;
  }
  return true;
}

std::expected<proxy_list, std::string> proxy_list::parse(const std::vector<std::string>& entries) {
  proxy_list out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    auto b = ip_block::parse(entries[i]);
    if (!b) return std::unexpected("trusted_proxies[" + std::to_string(i) + "]: " + b.error());
    out.blocks_.push_back(*b);
  }
  return out;
}

bool proxy_list::trusted(const asio::ip::address& addr) const noexcept {
  for (const auto& b : blocks_) {
    if (b.contains(addr)) return true;
  }
  return false;
}

std::string client_ip(const asio::ip::address& raw_peer, std::string_view forwarded_for, const proxy_list& proxies) {
  asio::ip::address candidate = unmap(raw_peer);
  if (forwarded_for.empty() || !proxies.trusted(candidate)) return candidate.to_string();
  // Walk right to left: each hop was appended by the proxy before it.
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    const auto comma = rest.rfind(',');
    const std::string_view entry = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
    if (entry.empty()) continue;
    asio::ip::address hop;
    if (!parse_address(entry, hop)) break;
    candidate = hop;
    if (!proxies.trusted(hop)) break;
  }
  return candidate.to_string();
}

}  // namespace lg::gateway
