// The "admin" section (bearer tokens of the admin API) and the "processing" section (the
// processing worker). Tokens are kept only as SHA-256 hex: a configured plain token (always a
// secret, {"env":…}) is hashed here and the plain value dropped.
#include "config/build.hpp"

#include "core/digest.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace lg::config::detail {
namespace {

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

void read_token(const json& j, const std::string& path, json_reader& r, admin_config& out, bool& kept) {
  kept = false;
  if (!r.object(j, path, {"name", "role", "member", "sha256", "token"})) return;
  admin_token t;
  if (!r.string(j, path, "name", t.name, 64) || t.name.empty()) {
    if (!j.contains("name")) r.add(path + ".name", "required");
    return;
  }
  if (r.string(j, path, "role", t.role, 16)) {
    if (t.role != "viewer" && t.role != "agent" && t.role != "admin") {
      r.add(path + ".role", "must be viewer, agent or admin");
      return;
    }
  } else {
    if (!j.contains("role")) r.add(path + ".role", "required");
    return;
  }
  r.string(j, path, "member", t.member, 64);
  const bool has_hash = j.contains("sha256"), has_token = j.contains("token");
  if (has_hash == has_token) {
    r.add(path, "needs exactly one of sha256 (hex of the token) or token ({\"env\":…})");
    return;
  }
  if (has_hash) {
    std::string hex;
    if (!r.string(j, path, "sha256", hex, 64)) return;
    std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) { return c >= 'A' && c <= 'F' ? char(c - 'A' + 'a') : c; });
    if (!is_sha256_hex(hex)) {
      r.add(path + ".sha256", "not 64 hex digits (the SHA-256 of the token)");
      return;
    }
    t.sha256 = std::move(hex);
  } else {
    const auto& v = j.at("token");
    if (v.is_string()) {
      // A plain token in the file would be readable by anyone who can read the config.
      r.add(path + ".token", "must be a secret {\"env\":\"NAME\"}; to put it in the file, give its sha256");
      return;
    }
    std::string token;
    try {
      token = resolve_secret(v, path + ".token");
    } catch (const config_error& e) {
      r.add_line(e.what());
      return;
    }
    if (token.empty()) return;  // {"optional":true} and unset: this token is disabled
    if (token.size() < 16) {
      r.add(path + ".token", "too short (at least 16 characters)");
      return;
    }
    t.sha256 = core::sha256_hex(token);
  }
  out.tokens.push_back(std::move(t));
  kept = true;
}

}  // namespace

void read_admin(const json& j, json_reader& r, admin_config& out) {
  if (!r.object(j, "admin", {"tokens"})) return;
  const auto it = j.find("tokens");
  if (it == j.end()) return;
  if (!it->is_array()) {
    r.add("admin.tokens", "must be an array");
    return;
  }
  if (it->size() > 1000) {
    r.add("admin.tokens", "more than 1000 entries");
    return;
  }
  std::set<std::string, std::less<>> names, hashes;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto path = index_path("admin.tokens", i);
    bool kept = false;
    read_token((*it)[i], path, r, out, kept);
    if (!kept) continue;
    const auto& t = out.tokens.back();
    if (!names.insert(t.name).second) r.add(path + ".name", "duplicate '" + t.name + "'");
    if (!hashes.insert(t.sha256).second) r.add(path, "the same token is configured twice");
  }
}

void read_processing(const json& j, json_reader& r, processing_config& out) {
  constexpr std::string_view p = "processing";
  if (!r.object(j, p, {"workers", "batch", "claim_idle_ms", "channel_priority", "outbox_limit", "delivery_lanes",
                       "delivery_lease_ms"}))
    return;
  r.unsigned_value(j, p, "workers", out.workers, 0, 64);
  r.unsigned_value(j, p, "batch", out.batch, 1, 10000);
  r.millis(j, p, "claim_idle_ms", out.claim_idle, 1000, 24 * 3'600'000);
  r.string_array(j, p, "channel_priority", out.channel_priority, 32, 64);
  r.unsigned_value(j, p, "outbox_limit", out.outbox_limit, 1000, 100'000'000);
  r.unsigned_value(j, p, "delivery_lanes", out.delivery_lanes, 1, 64);
  r.millis(j, p, "delivery_lease_ms", out.delivery_lease, 1000, 600'000);
}

}  // namespace lg::config::detail
