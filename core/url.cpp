#include "core/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace lg::core {
namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Characters RFC 3986 allows in a reg-name or userinfo (unreserved, sub-delims, '%').
bool is_host_char(char c) {
  return is_alpha(c) || is_digit(c) || std::string_view("-._~!$&'()*+,;=%").find(c) != std::string_view::npos;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

}  // namespace

std::expected<url_parts, std::string> parse_url(std::string_view text) {
  // Whitespace and control characters are never part of a URL we accept.
  for (unsigned char c : text)
    if (c <= 0x20 || c == 0x7f) return std::unexpected("contains a space or a control character");

  const auto colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::unexpected("has no scheme:// part");
  url_parts u;
  const auto scheme = text.substr(0, colon);
  if (!is_alpha(scheme[0])) return std::unexpected("has a bad scheme");
  for (char c : scheme) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return std::unexpected("has a bad scheme");
    u.scheme += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }

  auto rest = text.substr(colon + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const auto auth_end = rest.find_first_of("/?");
  auto authority = rest.substr(0, auth_end);
  const auto tail = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (const auto q = tail.find('?'); q != std::string_view::npos) {
    u.path = tail.substr(0, q);
    u.query = tail.substr(q + 1);
  } else {
    u.path = tail;
  }

  // The last '@' ends the credentials, so a raw '@' in a password still works.
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    u.userinfo = authority.substr(0, at);
    u.has_userinfo = true;
    if (!std::all_of(u.userinfo.begin(), u.userinfo.end(), [](char c) { return is_host_char(c) || c == ':' || c == '@'; }))
      return std::unexpected("has a bad character in its credentials");
    authority = authority.substr(at + 1);
  }

  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::unexpected("has an unterminated '[' in its host");
    u.host = authority.substr(1, close - 1);
    in6_addr a6{};
    if (inet_pton(AF_INET6, u.host.c_str(), &a6) != 1) return std::unexpected("has a host in [ ] that is not an IPv6 address");
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::unexpected("has unexpected text after ']' in its host");
      port = after.substr(1);
      has_port = true;
    }
  } else {
    const auto pc = authority.find(':');
    u.host = authority.substr(0, pc);
    if (pc != std::string_view::npos) {
      port = authority.substr(pc + 1);
      has_port = true;
    }
    if (!std::all_of(u.host.begin(), u.host.end(), is_host_char)) return std::unexpected("has a bad character in its host");
  }
  if (has_port) {
    if (port.empty()) return std::unexpected("has an empty port");
    unsigned value = 0;
    if (!all_digits(port) || port.size() > 5) return std::unexpected("port must be 1-65535, got '" + std::string(port) + "'");
    std::from_chars(port.data(), port.data() + port.size(), value);
    if (value == 0 || value > 65535) return std::unexpected("port must be 1-65535, got '" + std::string(port) + "'");
    u.port = port;
  }
  return u;
}

bool is_http_url(std::string_view text) {
  const auto u = parse_url(text);
  return u && (u->scheme == "http" || u->scheme == "https") && !u->host.empty();
}

bool is_ip_address(std::string_view text) {
  const std::string s(text);
  in_addr a4{};
  in6_addr a6{};
  return inet_pton(AF_INET, s.c_str(), &a4) == 1 || inet_pton(AF_INET6, s.c_str(), &a6) == 1;
}

bool is_ip_or_cidr(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return is_ip_address(text);
  const std::string addr(text.substr(0, slash));
  const auto bits = text.substr(slash + 1);
  if (!all_digits(bits) || bits.size() > 3) return false;
  unsigned prefix = 0;
  std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  in_addr a4{};
  in6_addr a6{};
  if (inet_pton(AF_INET, addr.c_str(), &a4) == 1) return prefix <= 32;
  if (inet_pton(AF_INET6, addr.c_str(), &a6) == 1) return prefix <= 128;
  return false;
}

}  // namespace lg::core
