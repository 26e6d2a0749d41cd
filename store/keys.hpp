// The key schema (documented in store/KEYS.md). Every key starts with lg:{<tenant>}: so a
// tenant's keys share one cluster slot and one Lua script may touch them together.
#pragma once

#include <string>
#include <string_view>

namespace lg::store::keys {

std::string prefix(std::string_view tenant);                     // lg:{t}:
std::string inbound(std::string_view tenant);                    // lg:{t}:in
std::string idempotency(std::string_view tenant, std::string_view key);  // lg:{t}:idem:<key>
std::string quarantine(std::string_view tenant);                 // lg:{t}:quarantine

}  // namespace lg::store::keys
