// The top of the config: tenant, server, redis, logging and the list of sources; parse()
// and check() share one builder so the validator and the loader can never disagree.
#include "config/build.hpp"
#include "core/url.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace lg::config {

const source_config* config::find_source(std::string_view id) const {
  const auto it = std::find_if(sources.begin(), sources.end(), [&](const source_config& s) { return s.id == id; });
  return it == sources.end() ? nullptr : &*it;
}

namespace detail {
namespace {

constexpr std::int64_t max_timeout_ms = 3'600'000;  // one hour: anything longer is a typo

void read_server(const json& j, json_reader& r, server_config& s) {
  constexpr std::string_view p = "server";
  if (!r.object(j, p, {"listen", "port", "threads", "body_limit", "header_limit", "read_timeout_ms",
                       "write_timeout_ms", "idle_timeout_ms", "shutdown_grace_ms", "max_connections",
                       "trusted_proxies", "public_base_url"}))
    return;
  std::string listen = s.listen;
  if (r.string(j, p, "listen", listen, 64)) {
    if (is_ip_address(listen))
      s.listen = listen;
    else
      r.add("server.listen", "not an IP address");
  }
  // Port 0 asks the OS for any free port (tests).
  r.unsigned_value(j, p, "port", s.port, 0, 65535);
  r.unsigned_value(j, p, "threads", s.threads, 0, 1024);
  r.unsigned_value(j, p, "body_limit", s.body_limit, 1, 64 << 20);
  r.unsigned_value(j, p, "header_limit", s.header_limit, 1024, 1 << 20);
  r.millis(j, p, "read_timeout_ms", s.read_timeout, 1, max_timeout_ms);
  r.millis(j, p, "write_timeout_ms", s.write_timeout, 1, max_timeout_ms);
  r.millis(j, p, "idle_timeout_ms", s.idle_timeout, 1, max_timeout_ms);
  r.millis(j, p, "shutdown_grace_ms", s.shutdown_grace, 1, max_timeout_ms);
  r.unsigned_value(j, p, "max_connections", s.max_connections, 1, 1'000'000);
  std::vector<std::string> proxies;
  if (r.string_array(j, p, "trusted_proxies", proxies, 256, 64)) {
    bool ok = true;
    for (std::size_t i = 0; i < proxies.size(); ++i) {
      if (!is_ip_or_cidr(proxies[i])) {
        r.add(index_path("server.trusted_proxies", i), "not an IP address or CIDR block");
        ok = false;
      }
    }
    if (ok) s.trusted_proxies = std::move(proxies);
  }
  std::string base;
  if (r.string(j, p, "public_base_url", base)) {
    if (base.empty() || is_http_url(base))
      s.public_base_url = base;
    else
      r.add("server.public_base_url", "not an http(s) URL");
  }
}

void read_redis(const json& j, json_reader& r, redis_config& c) {
  constexpr std::string_view p = "redis";
  if (!r.object(j, p, {"url", "connect_timeout_ms", "command_timeout_ms", "max_inbound_length", "min_replicas_ack",
                       "replica_ack_timeout_ms"}))
    return;
  std::string url;
  if (r.string(j, p, "url", url)) {
    const auto u = parse_url(url);
    if (!u)
      r.add("redis.url", "not a URL");
    else if (u->scheme != "redis" && u->scheme != "unix")
      r.add("redis.url", "scheme must be redis:// or unix://");
    else if (u->scheme == "redis" && u->host.empty())
      r.add("redis.url", "no host");
    else if (u->scheme == "unix" && u->path.size() < 2)
      r.add("redis.url", "no socket path (unix:///path/to/redis.sock)");
    else
      c.url = url;
  }
  r.millis(j, p, "connect_timeout_ms", c.connect_timeout, 1, max_timeout_ms);
  r.millis(j, p, "command_timeout_ms", c.command_timeout, 1, max_timeout_ms);
  r.unsigned_value(j, p, "max_inbound_length", c.max_inbound_length, 1, 1'000'000'000);
  r.unsigned_value(j, p, "min_replicas_ack", c.min_replicas_ack, 0, 16);
  r.millis(j, p, "replica_ack_timeout_ms", c.replica_ack_timeout, 1, 60'000);
}

void read_spool(const json& j, json_reader& r, spool_config& c) {
  constexpr std::string_view p = "spool";
  if (!r.object(j, p, {"dir", "max_bytes", "max_age_s", "segment_bytes"})) return;
  r.string(j, p, "dir", c.dir, 4096);
  r.unsigned_value(j, p, "max_bytes", c.max_bytes, 1 << 20, std::int64_t{1} << 40);
  std::int64_t age = c.max_age.count();
  if (r.integer(j, p, "max_age_s", age, 60, 30 * 86400)) c.max_age = std::chrono::seconds(age);
  r.unsigned_value(j, p, "segment_bytes", c.segment_bytes, 64 << 10, 1 << 30);
  if (c.segment_bytes > c.max_bytes) r.add("spool.segment_bytes", "larger than spool.max_bytes");
}

void read_logging(const json& j, json_reader& r, logging_config& c) {
  constexpr std::string_view p = "logging";
  if (!r.object(j, p, {"level", "format"})) return;
  constexpr std::array<std::string_view, 5> levels = {"trace", "debug", "info", "warn", "error"};
  std::string v;
  if (r.string(j, p, "level", v, 16)) {
    if (std::find(levels.begin(), levels.end(), v) != levels.end())
      c.level = v;
    else
      r.add("logging.level", "must be one of trace, debug, info, warn, error");
  }
  if (r.string(j, p, "format", v, 16)) {
    if (v == "json" || v == "text")
      c.format = v;
    else
      r.add("logging.format", "must be json or text");
  }
}

bool valid_time_zone(std::string_view tz) {
  return !tz.empty() && std::all_of(tz.begin(), tz.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_/+-").find(c) != std::string_view::npos;
  });
}

}  // namespace

bool is_valid_id(std::string_view s) noexcept {
  if (s.empty() || s.size() > 64) return false;
  const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '_' || c == '-'; });
}

config build(const json& j, std::vector<std::string>& problems) {
  json_reader r(problems);
  config c;
  if (!r.object(j, "", {"tenant", "time_zone", "server", "redis", "spool", "logging", "sources", "admin",
                          "processing", "teams", "routing", "destinations"})) return c;

  std::string v;
  if (r.string(j, "", "tenant", v, 64)) {
    if (is_valid_id(v))
      c.tenant = v;
    else
      r.add("tenant", id_rule);
  }
  if (r.string(j, "", "time_zone", v, 64)) {
    if (valid_time_zone(v))
      c.time_zone = v;
    else
      r.add("time_zone", "not a time zone name (e.g. Asia/Ho_Chi_Minh)");
  }
  if (j.contains("server")) read_server(j.at("server"), r, c.server);
  if (j.contains("redis")) read_redis(j.at("redis"), r, c.redis);
  if (j.contains("spool")) read_spool(j.at("spool"), r, c.spool);
  if (j.contains("logging")) read_logging(j.at("logging"), r, c.logging);
  if (j.contains("admin")) read_admin(j.at("admin"), r, c.admin);
  if (j.contains("processing")) read_processing(j.at("processing"), r, c.processing);
  read_teams_and_routing(j, r, c);
  if (j.contains("destinations")) read_destinations(j.at("destinations"), r, c);

  if (const auto it = j.find("sources"); it != j.end()) {
    constexpr std::size_t max_sources = 1000;
    if (!it->is_array()) {
      r.add("sources", "must be an array");
    } else if (it->size() > max_sources) {
      r.add("sources", "more than " + std::to_string(max_sources) + " entries");
    } else {
      std::set<std::string, std::less<>> seen;
      for (std::size_t i = 0; i < it->size(); ++i) {
        const auto path = index_path("sources", i);
        source_config s;
        read_source((*it)[i], path, r, s);
        if (!s.id.empty() && !seen.insert(s.id).second) r.add(path + ".id", "duplicate '" + s.id + "'");
        c.sources.push_back(std::move(s));
      }
    }
  }
  return c;
}

}  // namespace detail

config parse(const nlohmann::json& j) {
  std::vector<std::string> problems;
  auto c = detail::build(j, problems);
  if (!problems.empty()) {
    std::string message;
    for (const auto& p : problems) {
      if (!message.empty()) message += '\n';
      message += p;
    }
    throw config_error(message);
  }
  return c;
}

std::vector<std::string> check(const nlohmann::json& j) {
  std::vector<std::string> problems;
  detail::build(j, problems);
  return problems;
}

}  // namespace lg::config
