// The one URL parser: scheme://[userinfo@]host[:port][path][?query], as the config validator,
// the outbound HTTP client (http/url.hpp) and the Redis URL (store/redis_options) read URLs;
// and the IP address and CIDR checks. Syntax only: no normalization, no percent-decoding.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace lg::core {

struct url_parts {
  std::string scheme;  // lower-cased
  std::string userinfo;
  bool has_userinfo = false;  // an '@' was there (the userinfo may still be empty)
  std::string host;  // IPv6 literals without the brackets
  std::string port;  // digits, empty when absent
  std::string path;
  std::string query;
};

// scheme "://" [userinfo "@"] host [":" port] [path] ["?" query] ["#" fragment] (the host may
// be empty: "unix:///path"). Otherwise the reason, to follow "url …" in a message: "has an
// empty port", "port must be 1-65535, got '0'", … (it never repeats the credentials).
std::expected<url_parts, std::string> parse_url(std::string_view text);

// An http or https URL with a host.
bool is_http_url(std::string_view text);

// A literal IPv4 or IPv6 address.
bool is_ip_address(std::string_view text);

// An address, or an address "/" prefix length within the family's bounds.
bool is_ip_or_cidr(std::string_view text);

}  // namespace lg::core
