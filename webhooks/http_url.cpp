#include "webhooks/http_url.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace lg::webhooks {

namespace {

std::unexpected<core::error> bad(std::string message) {
  return std::unexpected(core::make_error(core::errc::invalid_field, std::move(message), "url"));
}

bool host_char(char c) {
  // RFC 3986 reg-name without percent-encoding: letters, digits, '-', '.', '_'.
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool target_char(char c) {
  // Printable ASCII except space; anything else must arrive percent-encoded.
  return c > 0x20 && c < 0x7f;
}

}  // namespace

std::string http_url::origin() const {
  std::string o = tls ? "https://" : "http://";
  o += host_is_ip && host.find(':') != std::string::npos ? "[" + host + "]" : host;
  o += ':';
  o += std::to_string(port);
  return o;
}

std::string http_url::host_header() const {
  std::string h;
  if (host.find(':') != std::string::npos) {
    h = "[";  // appended: GCC 12 at -O3 warns falsely (-Wrestrict) on "[" + host
    h += host;
    h += ']';
  } else {
    h = host;
  }
  if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

std::expected<http_url, core::error> parse_http_url(std::string_view url) {
  constexpr std::size_t max_url = 8192;
  if (url.empty()) return bad("url is empty");
  if (url.size() > max_url) return bad("url is longer than 8192 bytes");
  http_url out;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("url must start with http:// or https://");
  std::string scheme(url.substr(0, scheme_end));
  for (auto& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  if (scheme == "https") {
    out.tls = true;
    out.port = 443;
  } else if (scheme == "http") {
    out.tls = false;
    out.port = 80;
  } else {
    return bad("unsupported url scheme '" + scheme + "' (http or https)");
  }
  std::string_view rest = url.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos)
    return bad("url must not carry user:password@; put credentials in headers");
  if (authority.empty()) return bad("url has no host");

  std::string_view port_text;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("url has an unclosed '[' in the host");
    const std::string literal(authority.substr(1, close - 1));
    boost::system::error_code ec;
    const auto addr = boost::asio::ip::make_address_v6(literal, ec);
    if (ec) return bad("url host '[" + literal + "]' is not an IPv6 address");
    out.host = addr.to_string();
    out.host_is_ip = true;
    const auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad("url has text after ']' that is not a port");
      port_text = after.substr(1);
      if (port_text.empty()) return bad("url has an empty port");
    }
  } else {
    const auto colon = authority.rfind(':');
    std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad("url has an empty port");
    }
    if (host.empty()) return bad("url has no host");
    if (host.size() > 253) return bad("url host is longer than 253 characters");
    out.host.reserve(host.size());
    for (char c : host) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (!host_char(c)) return bad("url host contains a character that is not allowed");
      out.host += c;
    }
    boost::system::error_code ec;
    const auto addr = boost::asio::ip::make_address_v4(out.host, ec);
    if (!ec) {
      out.host = addr.to_string();
      out.host_is_ip = true;
    }
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535)
      return bad("url port '" + std::string(port_text) + "' is not a number from 1 to 65535");
    out.port = static_cast<std::uint16_t>(port);
  }

  // The fragment is never sent to the server.
  tail = tail.substr(0, tail.find('#'));
  if (tail.empty()) {
    out.target = "/";
  } else {
    for (char c : tail)
      if (!target_char(c)) return bad("url path contains a space or a non-ASCII byte; percent-encode it");
    out.target = tail.front() == '?' ? "/" + std::string(tail) : std::string(tail);
  }
  return out;
}

std::string percent_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace lg::webhooks
