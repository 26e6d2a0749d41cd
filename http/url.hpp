// Parsing the absolute http/https URLs the outbound client is given (destination config,
// provider APIs). Deliberately narrow: no userinfo (credentials go in headers, never in a URL
// that ends up in logs), no fragments sent, IPv6 literals only in brackets.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>

namespace lg::net {

struct http_url {
  bool tls = true;            // https
  std::string host;           // lower-cased name, or an IP literal without brackets
  std::uint16_t port = 443;   // the explicit port or the scheme's default
  std::string target = "/";   // path and query as sent on the request line
  bool host_is_ip = false;    // no SNI and IP-address certificate checks for literals

  // "https://host:port" key of the connection pool: one pool per scheme, host and port.
  std::string origin() const;
  // The Host header value: the host (bracketed if IPv6) plus ":port" unless it is the default.
  std::string host_header() const;
};

// Errors are invalid_field with field "url" and a message that names the problem.
std::expected<http_url, core::error> parse_http_url(std::string_view url);


}  // namespace lg::net
