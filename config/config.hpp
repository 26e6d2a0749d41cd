// The configuration model: plain structs with defaults, loaded once from one JSON file.
// Secrets are written {"env":"NAME"} and resolved from the environment at load time.
// Adapter-specific settings of a source stay as JSON (`options`) and are validated by that
// adapter's factory, so config/ knows nothing of any channel's details.
#pragma once

#include "routing/rules.hpp"
#include "routing/teams.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lg::config {

// Thrown only at startup; what() is "path: reason", e.g. "sources[2].cors_origins[0]: not a URL".
struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct server_config {
  std::string listen = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 0;  // 0: all cores
  std::size_t body_limit = 1 << 20;      // bytes
  std::size_t header_limit = 16 << 10;   // bytes
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  std::chrono::milliseconds idle_timeout{60000};   // keep-alive idle
  std::chrono::milliseconds shutdown_grace{5000};  // in-flight requests finish within this
  std::size_t max_connections = 10000;
  std::vector<std::string> trusted_proxies;  // IPs or CIDRs whose X-Forwarded-For is believed
  std::string public_base_url;               // how providers see us (signatures over URLs)
};

struct redis_config {
  std::string url = "redis://127.0.0.1:6379";  // overridden by LEADGATE_REDIS_URL
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds command_timeout{2000};
  std::size_t max_inbound_length = 1'000'000;  // backlog bound of lg:{t}:in
  // With replicas: a lead is acknowledged once this many replicas have it (WAIT); fewer within
  // replica_ack_timeout sends it to the spool (or answers 503 without one).
  unsigned min_replicas_ack = 0;
  std::chrono::milliseconds replica_ack_timeout{1000};
};

// The local spool (spool/spool.hpp): where the request path keeps accepted leads while Redis
// cannot take them. `dir` empty: no spool, and a Redis outage answers 503.
struct spool_config {
  std::string dir;
  std::uint64_t max_bytes = 256ull << 20;
  std::chrono::seconds max_age{std::chrono::hours(24)};
  std::uint64_t segment_bytes = 4ull << 20;
};

struct logging_config {
  std::string level = "info";  // trace, debug, info, warn, error
  std::string format = "json";  // json or text
};

struct source_config {
  std::string id;       // URL segment: /v1/forms/{id}
  std::string channel;  // "web_form", "landing_page", ...
  std::string preset;   // adapter preset ("generic", "ladipage", ...); empty: channel default
  bool enabled = true;
  // Common to the form-like channels:
  std::map<std::string, std::vector<std::string>> field_map;  // target -> accepted input names
  std::vector<std::string> required;  // e.g. {"full_name", "phone|email"}: '|' = one of
  std::vector<std::string> cors_origins;
  std::string honeypot;  // a field that must stay empty
  std::string thank_you_url;
  std::string token;  // resolved secret; checked from ?token= or X-Leadgate-Token when set
  std::chrono::milliseconds dedupe_window{std::chrono::minutes(10)};
  std::size_t max_field_length = 4096;
  std::size_t max_fields = 200;
  nlohmann::json options = nlohmann::json::object();  // channel-specific, validated by the adapter
};

// One bearer token of the admin API. Only the SHA-256 of the token is kept: the config holds
// either that hash ("sha256") or the token itself as a secret ("token": {"env":…}), hashed at
// load. Roles rank viewer < agent < admin: viewers read, agents also act on leads (claim,
// accept), admins also change rules, teams and members.
struct admin_token {
  std::string name;    // who holds it; named in the audit log
  std::string role;    // "viewer", "agent" or "admin"
  std::string member;  // agents: the team member id they act as (claim, accept)
  std::string sha256;  // lower-case hex of the token
};

struct admin_config {
  std::vector<admin_token> tokens;
};

// The processing worker (lg:{t}:in -> contacts -> routing), part of `leadgate serve`.
struct processing_config {
  unsigned workers = 2;  // each has its own thread and Redis connection; on 2 cores, 2 resolve
                         // ~14% more events/s than 1 (bench/README.md, "process")
  std::size_t batch = 100;                           // entries per XREADGROUP
  std::chrono::milliseconds claim_idle{30000};       // pending this long: its consumer is dead
  // Scalar contact fields keep the first value unless a channel earlier in this list brings one.
  std::vector<std::string> channel_priority{"facebook_lead_ads", "web_form", "landing_page", "api", "import"};
  // Outbox entries not yet copied to destinations; past it new changes are refused (retried).
  std::size_t outbox_limit = 1'000'000;
  // Deliveries in flight per destination, in lanes by contact (each contact's order holds).
  std::size_t delivery_lanes = 8;
  // The lease that lets one process deliver a destination (and run the fan-out) at a time;
  // after a crash another process takes over once it runs out.
  std::chrono::milliseconds delivery_lease{10000};
};

// One outbound destination (issue "Sync to the core CRM"). Only type "webhook" exists so far;
// later types (sugarcrm, erp, pos) add their own settings in `options`, validated by their
// connector. Secrets are resolved at load ("whsec_<base64>", several for rotation).
struct destination_config {
  std::string id;                   // [a-z0-9][a-z0-9_-]{0,63}: in URLs and Redis keys
  std::string type = "webhook";
  bool enabled = true;
  std::string url;                  // http(s)://…
  std::vector<std::string> secrets;  // resolved; the first signs, all are sent (rotation)
  std::vector<std::string> events;   // event types it wants ("lead.assigned", …); empty: all
  double rate_limit_per_s = 0;       // 0: unlimited
  std::chrono::milliseconds timeout{10000};  // one attempt, connect to last byte
  std::vector<std::chrono::milliseconds> retry_schedule;  // empty: the default schedule
  double retry_jitter = 0.2;
  unsigned breaker_failures = 5;                   // consecutive failures that open it
  std::chrono::milliseconds breaker_open{30000};   // open this long, then one probe
  std::size_t max_backlog = 1'000'000;             // undelivered entries kept in its stream
  std::size_t max_dead = 100'000;                  // dead letters kept (MAXLEN ~)
  nlohmann::json options = nlohmann::json::object();  // type-specific
  std::string direction = "push";    // push | two_way (the CRM's changes are pulled back)
  // Secrets of the type's options, resolved at load (sugarcrm: password, client_secret,
  // notify_secret). Never logged.
  std::map<std::string, std::string> credentials;
};

struct config {
  std::string tenant = "default";
  std::string time_zone = "Asia/Ho_Chi_Minh";
  server_config server;
  redis_config redis;
  spool_config spool;
  logging_config logging;
  std::vector<source_config> sources;
  admin_config admin;
  processing_config processing;
  // Teams and rules as configured: the seed of the routing store (the admin API edits them
  // later). The JSON is kept as written, for seeding; the parsed forms are validated.
  std::vector<routing::team> teams;
  routing::rule_set routing;
  nlohmann::json teams_json = nlohmann::json::array();
  nlohmann::json routing_json = nlohmann::json::object();
  std::vector<destination_config> destinations;

  const source_config* find_source(std::string_view id) const;
  const destination_config* find_destination(std::string_view id) const;
};

// Parses and validates; throws config_error naming the path and the reason. When several
// problems exist, the message lists all of them, one per line.
config parse(const nlohmann::json& j);
config load(const std::string& path);

// All validation problems as "path: reason" lines, without throwing (check-config).
std::vector<std::string> check(const nlohmann::json& j);

// Resolves a secret value: a plain string, or {"env":"NAME"} read from the environment.
// Throws config_error("<path>: environment variable NAME is not set") when missing, unless the
// object says {"env":"NAME","optional":true}: then an unset variable gives "" (the caller
// decides what an absent secret disables).
std::string resolve_secret(const nlohmann::json& v, const std::string& path);

}  // namespace lg::config
