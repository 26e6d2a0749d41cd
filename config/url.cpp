#include "config/url.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace lg::config {
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

std::optional<url_parts> parse_url(std::string_view text) {
  // Whitespace and control characters are never part of a URL we accept.
  for (unsigned char c : text)
    if (c <= 0x20 || c == 0x7f) return std::nullopt;

  const auto colon = text.find("://");
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  url_parts u;
  const auto scheme = text.substr(0, colon);
  if (!is_alpha(scheme[0])) return std::nullopt;
  for (char c : scheme) {
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
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

  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    u.userinfo = authority.substr(0, at);
    if (!std::all_of(u.userinfo.begin(), u.userinfo.end(), [](char c) { return is_host_char(c) || c == ':'; }))
      return std::nullopt;
    authority = authority.substr(at + 1);
  }

  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    u.host = authority.substr(1, close - 1);
    in6_addr a6{};
    if (inet_pton(AF_INET6, u.host.c_str(), &a6) != 1) return std::nullopt;
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else {
    const auto pc = authority.find(':');
    u.host = authority.substr(0, pc);
    if (pc != std::string_view::npos) {
      port = authority.substr(pc + 1);
      if (port.empty()) return std::nullopt;
    }
    if (!std::all_of(u.host.begin(), u.host.end(), is_host_char)) return std::nullopt;
  }
  if (!port.empty()) {
    unsigned value = 0;
    if (!all_digits(port) || port.size() > 5) return std::nullopt;
    std::from_chars(port.data(), port.data() + port.size(), value);
    if (value > 65535) return std::nullopt;
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

}  // namespace lg::config
