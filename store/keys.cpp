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

}  // namespace lg::store::keys
