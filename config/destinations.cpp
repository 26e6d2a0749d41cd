// The "destinations" section: where leadgate delivers what happens to leads. What every
// destination has is validated here with "path: reason" messages, and every secret of its
// `options` ({"env":…}) is resolved into `credentials`; the type itself and its options are its
// connector factory's to check (webhooks/connector_registry.hpp), so config knows no type.
#include "config/build.hpp"
#include "core/url.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

namespace lg::config {

const destination_config* config::find_destination(std::string_view id) const {
  const auto it = std::find_if(destinations.begin(), destinations.end(),
                               [&](const destination_config& d) { return d.id == id; });
  return it == destinations.end() ? nullptr : &*it;
}

namespace detail {
namespace {

constexpr std::size_t max_destinations = 100;
constexpr std::size_t max_secrets = 8;
constexpr std::size_t max_schedule = 32;
constexpr double max_delay_s = 7 * 24 * 3600.0;  // one week between two attempts at most

// "whsec_<base64>" (prefix optional) decoding to 24..64 bytes, as the Standard Webhooks spec asks.
bool valid_webhook_secret(std::string_view s) {
  if (s.starts_with("whsec_")) s.remove_prefix(6);
  if (s.empty() || s.size() % 4 != 0 || s.size() > 128) return false;
  const bool alphabet = std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
           c == '=';
  });
  if (!alphabet) return false;
  std::array<unsigned char, 128> out{};
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  if (n < 0) return false;
  std::size_t pad = 0;
  if (s.ends_with("==")) pad = 2;
  else if (s.ends_with("=")) pad = 1;
  const std::size_t bytes = static_cast<std::size_t>(n) - pad;
  return bytes >= 24 && bytes <= 64;
}

bool read_number(const json& obj, const std::string& path, std::string_view key, double& out, double min, double max,
                 json_reader& r) {
  const auto it = obj.find(key);
  if (it == obj.end()) return false;
  if (!it->is_number() || !std::isfinite(it->get<double>())) {
    r.add(member_path(path, key), "must be a number");
    return false;
  }
  const double v = it->get<double>();
  if (v < min || v > max) {
    r.add(member_path(path, key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return false;
  }
  out = v;
  return true;
}

void read_secrets(const json& j, const std::string& path, json_reader& r, destination_config& d) {
  const auto it = j.find("secrets");
  if (it == j.end()) {
    r.add(path + ".secrets", "required (at least one {\"env\":\"NAME\"} holding a whsec_ secret)");
    return;
  }
  if (!it->is_array() || it->empty() || it->size() > max_secrets) {
    r.add(path + ".secrets", "must be an array of 1.." + std::to_string(max_secrets) + " secrets");
    return;
  }
  const std::size_t problems_before = r.problem_count();
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto sp = index_path(path + ".secrets", i);
    const auto& v = (*it)[i];
    if (v.is_string()) {
      r.add(sp, "must be a secret {\"env\":\"NAME\"}, not written into the file");
      continue;
    }
    std::string secret;
    try {
      secret = resolve_secret(v, sp);
    } catch (const config_error& e) {
      r.add_line(e.what());
      continue;
    }
    if (secret.empty()) continue;  // {"optional":true} and unset: not used
    if (!valid_webhook_secret(secret)) {
      r.add(sp, "not a webhook secret (whsec_ followed by base64 of 24..64 bytes)");
      continue;
    }
    d.secrets.push_back(std::move(secret));
  }
  if (d.secrets.empty() && r.problem_count() == problems_before) r.add(path + ".secrets", "no secret is set");
}

void read_retry(const json& j, const std::string& path, json_reader& r, destination_config& d) {
  const auto p = path + ".retry";
  if (!r.object(j, p, {"schedule_s", "jitter"})) return;
  if (const auto it = j.find("schedule_s"); it != j.end()) {
    const auto sp = p + ".schedule_s";
    if (!it->is_array() || it->empty() || it->size() > max_schedule) {
      r.add(sp, "must be an array of 1.." + std::to_string(max_schedule) + " delays in seconds");
    } else {
      std::vector<std::chrono::milliseconds> delays;
      bool ok = true;
      for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& v = (*it)[i];
        if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0 || v.get<double>() > max_delay_s) {
          r.add(index_path(sp, i), "must be a number of seconds between 0 and 604800");
          ok = false;
          continue;
        }
        delays.emplace_back(static_cast<std::int64_t>(std::llround(v.get<double>() * 1000.0)));
      }
      if (ok) d.retry_schedule = std::move(delays);
    }
  }
  read_number(j, p, "jitter", d.retry_jitter, 0.0, 1.0, r);
}

void read_breaker(const json& j, const std::string& path, json_reader& r, destination_config& d) {
  const auto p = path + ".breaker";
  if (!r.object(j, p, {"failures", "open_s"})) return;
  r.unsigned_value(j, p, "failures", d.breaker_failures, 1, 1000);
  double open_s = static_cast<double>(d.breaker_open.count()) / 1000.0;
  if (read_number(j, p, "open_s", open_s, 0.01, 86400.0, r))
    d.breaker_open = std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(open_s * 1000.0)));
}

// Every option written as a secret ({"env":…}) is resolved, whatever the type: a connector reads
// its secrets from `credentials` and never sees the environment.
void read_option_secrets(const std::string& path, json_reader& r, destination_config& d) {
  for (const auto& [key, v] : d.options.items()) {
    if (!v.is_object() || !v.contains("env")) continue;
    const auto sp = path + ".options." + key;
    try {
      auto value = resolve_secret(v, sp);
      if (!value.empty()) d.credentials[key] = std::move(value);
    } catch (const config_error& e) {
      r.add_line(e.what());
    }
  }
}

void read_destination(const json& j, const std::string& path, json_reader& r, destination_config& d) {
  if (!r.object(j, path, {"id", "type", "enabled", "url", "secrets", "events", "rate_limit_per_s", "timeout_ms",
                          "retry", "breaker", "max_backlog", "max_dead", "options", "direction"}))
    return;
  if (r.string(j, path, "id", d.id, 64)) {
    if (!is_valid_id(d.id)) {
      r.add(path + ".id", id_rule);
      d.id.clear();
    }
  } else if (!j.contains("id")) {
    r.add(path + ".id", "required");
  }
  if (r.string(j, path, "type", d.type, 32) && !is_valid_id(d.type)) r.add(path + ".type", id_rule);
  r.boolean(j, path, "enabled", d.enabled);
  if (r.string(j, path, "url", d.url, 2048)) {
    if (!is_http_url(d.url)) r.add(path + ".url", "not an http(s) URL");
  } else if (!j.contains("url")) {
    r.add(path + ".url", "required");
  }
  // A signing secret list: required by the webhook type, kept for any type that signs.
  if (d.type == "webhook" || j.contains("secrets")) read_secrets(j, path, r, d);
  if (r.string(j, path, "direction", d.direction, 16)) {
    if (d.direction != "push" && d.direction != "two_way") r.add(path + ".direction", "push or two_way");
  }
  if (r.string_array(j, path, "events", d.events, 64, 64)) {
    for (std::size_t i = 0; i < d.events.size(); ++i) {
      const auto& e = d.events[i];
      const bool ok = std::all_of(e.begin(), e.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '*';
      });
      if (!ok) r.add(index_path(path + ".events", i), "an event type such as lead.assigned ([a-z0-9._], * for all)");
    }
  }
  read_number(j, path, "rate_limit_per_s", d.rate_limit_per_s, 0.0, 100000.0, r);
  r.millis(j, path, "timeout_ms", d.timeout, 100, 300000);
  if (j.contains("retry")) read_retry(j.at("retry"), path, r, d);
  if (j.contains("breaker")) read_breaker(j.at("breaker"), path, r, d);
  r.unsigned_value(j, path, "max_backlog", d.max_backlog, 1, 100'000'000);
  r.unsigned_value(j, path, "max_dead", d.max_dead, 1, 10'000'000);
  if (const auto it = j.find("options"); it != j.end()) {
    if (!it->is_object())
      r.add(path + ".options", "must be an object");
    else
      d.options = *it;
  }
  read_option_secrets(path, r, d);
}

}  // namespace

void read_destinations(const json& j, json_reader& r, config& c) {
  if (!j.is_array()) {
    r.add("destinations", "must be an array");
    return;
  }
  if (j.size() > max_destinations) {
    r.add("destinations", "more than " + std::to_string(max_destinations) + " entries");
    return;
  }
  std::set<std::string, std::less<>> seen;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto path = index_path("destinations", i);
    destination_config d;
    read_destination(j[i], path, r, d);
    if (!d.id.empty() && !seen.insert(d.id).second) r.add(path + ".id", "duplicate '" + d.id + "'");
    c.destinations.push_back(std::move(d));
  }
}

}  // namespace detail
}  // namespace lg::config
