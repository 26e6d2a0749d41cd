// Parses the Redis URL of the config into redis_options:
//   redis://[[user]:password@]host[:port][/db][?db=N]
//   unix://[[user]:password@]/path/to/sock[?db=N]
// Credentials may be percent-encoded (a password holding '@' or '/'). Every rejection says
// what is wrong, because the message ends up in the startup error of a misconfigured gateway.
#include "store/redis_client.hpp"

#include <charconv>
#include <limits>

namespace lg::store {
namespace {

constexpr std::string_view url_field = "redis.url";

std::unexpected<core::error> bad(std::string message) {
  return std::unexpected(core::make_error(core::errc::invalid_field,
                                          "redis URL: " + std::move(message),
                                          std::string(url_field)));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    int hi = hex_value(in[i + 1]);
    int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

template <class Int>
bool parse_number(std::string_view s, Int& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && ptr == s.data() + s.size();
}

std::optional<core::error> parse_db(std::string_view s, redis_options& o) {
  int db = -1;
  if (!parse_number(s, db) || db < 0) {
    return bad("database must be a non-negative integer, got '" + std::string(s) + "'").error();
  }
  o.db = db;
  return std::nullopt;
}

// "user:password" or ":password"; a bare "user" without a password makes no AUTH sense.
std::optional<core::error> parse_userinfo(std::string_view info, redis_options& o) {
  auto colon = info.find(':');
  if (colon == std::string_view::npos) {
    return bad("credentials must be ':password@' or 'user:password@'").error();
  }
  auto user = percent_decode(info.substr(0, colon));
  auto pass = percent_decode(info.substr(colon + 1));
  if (!user || !pass) return bad("bad percent-encoding in credentials").error();
  if (pass->empty()) return bad("empty password").error();
  o.username = std::move(*user);
  o.password = std::move(*pass);
  return std::nullopt;
}

// "?db=N" is the only query parameter understood; anything else is a typo worth reporting.
std::optional<core::error> parse_query(std::string_view q, redis_options& o, bool db_seen) {
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view kv = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    if (kv.empty()) continue;
    auto eq = kv.find('=');
    std::string_view k = kv.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? std::string_view{} : kv.substr(eq + 1);
    if (k != "db") return bad("unknown parameter '" + std::string(k) + "'").error();
    if (db_seen) return bad("database given twice").error();
    if (auto e = parse_db(v, o)) return e;
    db_seen = true;
  }
  return std::nullopt;
}

}  // namespace

std::expected<redis_options, core::error> redis_options::from_url(std::string_view url) {
  redis_options o;
  std::string_view rest;
  bool unix_scheme = false;
  if (url.starts_with("redis://")) {
    rest = url.substr(8);
  } else if (url.starts_with("unix://")) {
    rest = url.substr(7);
    unix_scheme = true;
  } else if (url.starts_with("rediss://")) {
    return bad("TLS (rediss://) is not supported");
  } else {
    return bad("must start with redis:// or unix://, got '" + std::string(url) + "'");
  }

  std::string_view query;
  if (auto q = rest.find('?'); q != std::string_view::npos) {
    query = rest.substr(q + 1);
    rest = rest.substr(0, q);
  }

  // The userinfo ends at the last '@' before the path, so a raw '@' in a password still works.
  std::string_view authority = rest;
  std::string_view path;
  if (unix_scheme) {
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) return bad("unix:// needs an absolute socket path");
    authority = rest.substr(0, slash);
    path = rest.substr(slash);
  } else if (auto slash = rest.find('/', rest.rfind('@') == std::string_view::npos
                                                ? 0
                                                : rest.rfind('@'));
             slash != std::string_view::npos) {
    authority = rest.substr(0, slash);
    path = rest.substr(slash);
  }

  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    if (auto e = parse_userinfo(authority.substr(0, at), o)) return std::unexpected(*e);
    authority = authority.substr(at + 1);
  }

  bool db_seen = false;
  if (unix_scheme) {
    if (!authority.empty()) return bad("unix:// takes no host ('" + std::string(authority) + "')");
    if (path.size() < 2) return bad("unix:// needs an absolute socket path");
    o.unix_socket = std::string(path);
  } else {
    std::string_view host = authority;
    std::string_view port;
    if (host.starts_with('[')) {  // [v6-address]:port
      auto close = host.find(']');
      if (close == std::string_view::npos) return bad("unterminated '[' in host");
      std::string_view after = host.substr(close + 1);
      if (!after.empty()) {
        if (after[0] != ':') return bad("unexpected text after ']' in host");
        port = after.substr(1);
        if (port.empty()) return bad("empty port");
      }
      host = host.substr(1, close - 1);
    } else if (auto colon = host.rfind(':'); colon != std::string_view::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
      if (port.empty()) return bad("empty port");
    }
    if (host.empty()) return bad("missing host");
    o.host = std::string(host);
    if (!port.empty()) {
      unsigned p = 0;
      if (!parse_number(port, p) || p == 0 || p > 65535) {
        return bad("port must be 1-65535, got '" + std::string(port) + "'");
      }
      o.port = static_cast<unsigned short>(p);
    }
    if (path.size() > 1) {
      if (auto e = parse_db(path.substr(1), o)) return std::unexpected(*e);
      db_seen = true;
    }
  }
  if (auto e = parse_query(query, o, db_seen)) return std::unexpected(*e);
  return o;
}

}  // namespace lg::store
