// Small syntactic checks the validator needs for URLs, IP addresses and CIDR blocks.
// Only what config validation must decide ("is this an http(s) URL with a host?"), not a
// general URL library: no normalization, no percent-decoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lg::config {

struct url_parts {
  std::string scheme;  // lower-cased
  std::string userinfo;
  std::string host;  // IPv6 literals without the brackets
  std::string port;  // digits, empty when absent
  std::string path;
  std::string query;
};

// scheme "://" [userinfo "@"] host [":" port] [path] ["?" query] ["#" fragment].
// nullopt when the text is not of that shape (no scheme, spaces, bad port, bad IPv6 literal).
std::optional<url_parts> parse_url(std::string_view text);

// An http or https URL with a host.
bool is_http_url(std::string_view text);

// A literal IPv4 or IPv6 address.
bool is_ip_address(std::string_view text);

// An address, or an address "/" prefix length within the family's bounds.
bool is_ip_or_cidr(std::string_view text);

}  // namespace lg::config
