// Key builders. The tenant is wrapped in {} (a Redis Cluster hash tag) so every key of one
// tenant hashes to the same slot and a Lua script may touch several of them.
#include "store/keys.hpp"

namespace lg::store::keys {

std::string prefix(std::string_view tenant) {
  std::string k;
  k.reserve(tenant.size() + 6);
  k.append("lg:{").append(tenant).append("}:");
  return k;
}

std::string inbound(std::string_view tenant) { return prefix(tenant).append("in"); }

std::string idempotency(std::string_view tenant, std::string_view key) {
  std::string k = prefix(tenant);
  k.reserve(k.size() + 5 + key.size());
  k.append("idem:").append(key);
  return k;
}

std::string quarantine(std::string_view tenant) { return prefix(tenant).append("quarantine"); }
std::string imap_state(std::string_view tenant, std::string_view source) {
  return prefix(tenant).append("imap:").append(source);
}

std::string teams(std::string_view tenant) { return prefix(tenant).append("teams"); }
std::string team(std::string_view tenant, std::string_view team) {
  return prefix(tenant).append("tm:").append(team);
}
std::string member(std::string_view tenant, std::string_view team, std::string_view member) {
  return prefix(tenant).append("mb:").append(team).append(":").append(member);
}
std::string member_open(std::string_view tenant, std::string_view team, std::string_view member) {
  return prefix(tenant).append("open:").append(team).append(":").append(member);
}
std::string backlog(std::string_view tenant, std::string_view team) {
  return prefix(tenant).append("backlog:").append(team);
}
std::string claim_queue(std::string_view tenant, std::string_view team) {
  return prefix(tenant).append("claim:").append(team);
}
std::string team_queue(std::string_view tenant, std::string_view team) {
  return prefix(tenant).append("q:").append(team);
}
std::string assignment(std::string_view tenant, std::string_view event_id) {
  return prefix(tenant).append("asg:").append(event_id);
}
std::string lead_assignment(std::string_view tenant, std::string_view lead_id) {
  return prefix(tenant).append("ld:").append(lead_id);
}
std::string sla(std::string_view tenant) { return prefix(tenant).append("sla"); }
std::string outbox(std::string_view tenant) { return prefix(tenant).append("outbox"); }

std::string rules(std::string_view tenant) { return prefix(tenant).append("rules"); }
std::string rules_history(std::string_view tenant) { return prefix(tenant).append("rules:hist"); }
std::string rules_channel(std::string_view tenant) { return prefix(tenant).append("rules:changed"); }
std::string team_defs(std::string_view tenant) { return prefix(tenant).append("teamdefs"); }
std::string audit(std::string_view tenant) { return prefix(tenant).append("audit"); }

namespace {
std::string dest_key(std::string_view tenant, std::string_view kind, std::string_view dest) {
  std::string k = prefix(tenant);
  k.reserve(k.size() + kind.size() + 1 + dest.size());
  k.append(kind).append(":").append(dest);
  return k;
}
}  // namespace

std::string destination_stream(std::string_view tenant, std::string_view dest) { return dest_key(tenant, "out", dest); }
std::string dead_letters(std::string_view tenant, std::string_view dest) { return dest_key(tenant, "dead", dest); }
std::string delivery_retry(std::string_view tenant, std::string_view dest) { return dest_key(tenant, "retry", dest); }
std::string delivery_parked(std::string_view tenant, std::string_view dest) { return dest_key(tenant, "parked", dest); }
std::string delivery_hold(std::string_view tenant, std::string_view dest) { return dest_key(tenant, "hold", dest); }
std::string delivery_state(std::string_view tenant, std::string_view dest) { return dest_key(tenant, "dst", dest); }
std::string delivery_hold_queue_prefix(std::string_view tenant, std::string_view dest) {
  return dest_key(tenant, "holdq", dest).append(":");
}

std::string lease(std::string_view tenant, std::string_view name) { return prefix(tenant).append("lease:").append(name); }

}  // namespace lg::store::keys
