// See url.hpp: the http(s) rules over core's URL parser.
#include "http/url.hpp"

#include "core/url.hpp"

#include <boost/asio/ip/address.hpp>

#include <charconv>

namespace lg::net {

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
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return bad("url must start with http:// or https://");
  // Credentials go in headers, never in a URL that ends up in logs (and never in this message).
  const auto rest = url.substr(scheme_end + 3);
  if (rest.substr(0, rest.find_first_of("/?#")).find('@') != std::string_view::npos)
    return bad("url must not carry user:password@; put credentials in headers");
  const auto parts = core::parse_url(url);
  if (!parts) return bad("url is not scheme://host[:port][/path][?query] without spaces");
  http_url out;
  if (parts->scheme == "https") {
    out.tls = true;
    out.port = 443;
  } else if (parts->scheme == "http") {
    out.tls = false;
    out.port = 80;
  } else {
    return bad("unsupported url scheme '" + parts->scheme + "' (http or https)");
  }
  if (parts->host.empty()) return bad("url has no host");
  boost::system::error_code ec;
  if (rest.starts_with('[')) {  // an IPv6 literal, checked by the parser
    out.host = boost::asio::ip::make_address_v6(parts->host, ec).to_string();
    if (ec) return bad("url host is not an IPv6 address");
    out.host_is_ip = true;
  } else {
    if (parts->host.size() > 253) return bad("url host is longer than 253 characters");
    out.host.reserve(parts->host.size());
    for (char c : parts->host) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
      if (!host_char(c)) return bad("url host contains a character that is not allowed");
      out.host += c;
    }
    const auto addr = boost::asio::ip::make_address_v4(out.host, ec);
    if (!ec) {
      out.host = addr.to_string();
      out.host_is_ip = true;
    }
  }
  if (!parts->port.empty()) {
    unsigned port = 0;
    std::from_chars(parts->port.data(), parts->port.data() + parts->port.size(), port);
    if (port == 0) return bad("url port '" + parts->port + "' is not a number from 1 to 65535");
    out.port = static_cast<std::uint16_t>(port);
  }
  // The fragment is never sent to the server (the parser left it out).
  std::string target = parts->path.empty() ? std::string("/") : parts->path;
  if (!parts->query.empty()) target += "?" + parts->query;
  for (char c : target)
    if (!target_char(c)) return bad("url path contains a space or a non-ASCII byte; percent-encode it");
  out.target = std::move(target);
  return out;
}

}  // namespace lg::net
