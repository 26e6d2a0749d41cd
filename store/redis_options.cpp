// Parses the Redis URL of the config into redis_options:
//   redis://[[user]:password@]host[:port][/db][?db=N]
//   unix://[[user]:password@]/path/to/sock[?db=N]
// Credentials may be percent-encoded (a password holding '@' or '/'). Every rejection says
// what is wrong, because the message ends up in the startup error of a misconfigured gateway.
#include "store/redis_client.hpp"

#include "core/url.hpp"
#include "core/percent.hpp"

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
  auto user = core::percent_decode(info.substr(0, colon));
  auto pass = core::percent_decode(info.substr(colon + 1));
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
  const bool unix_scheme = url.starts_with("unix://");
  if (url.starts_with("rediss://")) return bad("TLS (rediss://) is not supported");
  if (!unix_scheme && !url.starts_with("redis://"))
    return bad("must start with redis:// or unix://, got '" + std::string(url) + "'");
  const auto u = core::parse_url(url);
  if (!u) return bad(u.error());
  redis_options o;
  if (u->has_userinfo) {
    if (auto e = parse_userinfo(u->userinfo, o)) return std::unexpected(*e);
  }
  bool db_seen = false;
  if (unix_scheme) {
    if (!u->host.empty()) return bad("unix:// takes no host ('" + u->host + "')");
    if (u->path.size() < 2) return bad("unix:// needs an absolute socket path");
    o.unix_socket = u->path;
  } else {
    if (u->host.empty()) return bad("missing host");
    o.host = u->host;
    if (!u->port.empty()) {
      unsigned p = 0;
      parse_number(std::string_view(u->port), p);  // the parser checked it is 1-65535
      o.port = static_cast<unsigned short>(p);
    }
    if (u->path.size() > 1) {
      if (auto e = parse_db(std::string_view(u->path).substr(1), o)) return std::unexpected(*e);
      db_seen = true;
    }
  }
  if (auto e = parse_query(u->query, o, db_seen)) return std::unexpected(*e);
  return o;
}

}  // namespace lg::store
