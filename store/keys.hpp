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
std::string imap_state(std::string_view tenant, std::string_view source);  // lg:{t}:imap:<source>

// Assignment (store/assignments.hpp, store/lua/assign.lua; assign.lua derives the same names
// from the prefix).
std::string teams(std::string_view tenant);                                  // lg:{t}:teams
std::string team(std::string_view tenant, std::string_view team);            // lg:{t}:tm:<team>
std::string member(std::string_view tenant, std::string_view team, std::string_view member);  // mb:<team>:<m>
std::string member_open(std::string_view tenant, std::string_view team, std::string_view member);  // open:<team>:<m>
std::string backlog(std::string_view tenant, std::string_view team);         // lg:{t}:backlog:<team>
std::string claim_queue(std::string_view tenant, std::string_view team);     // lg:{t}:claim:<team>
std::string team_queue(std::string_view tenant, std::string_view team);      // lg:{t}:q:<team>
std::string assignment(std::string_view tenant, std::string_view event_id);  // lg:{t}:asg:<event>
std::string lead_assignment(std::string_view tenant, std::string_view lead_id);  // lg:{t}:ld:<lead>
std::string sla(std::string_view tenant);                                    // lg:{t}:sla
std::string outbox(std::string_view tenant);                                 // lg:{t}:outbox

// The admin-edited routing (store/rule_store.hpp, store/lua/rules_*.lua).
std::string rules(std::string_view tenant);             // lg:{t}:rules (current version)
std::string rules_history(std::string_view tenant);     // lg:{t}:rules:hist
std::string rules_channel(std::string_view tenant);     // lg:{t}:rules:changed (pub/sub channel)
std::string team_defs(std::string_view tenant);         // lg:{t}:teamdefs
std::string audit(std::string_view tenant);             // lg:{t}:audit

// Delivery to destinations (webhooks/outbox_fanout.hpp, webhooks/delivery.hpp,
// store/lua/outbox_step.lua). <d> is a configured destination id.
std::string destination_stream(std::string_view tenant, std::string_view dest);  // lg:{t}:out:<d>
std::string dead_letters(std::string_view tenant, std::string_view dest);        // lg:{t}:dead:<d>
std::string delivery_retry(std::string_view tenant, std::string_view dest);      // lg:{t}:retry:<d>
std::string delivery_parked(std::string_view tenant, std::string_view dest);     // lg:{t}:parked:<d>
std::string delivery_hold(std::string_view tenant, std::string_view dest);       // lg:{t}:hold:<d>
std::string delivery_state(std::string_view tenant, std::string_view dest);      // lg:{t}:dst:<d>
// lg:{t}:holdq:<d>: — outbox_step.lua appends the contact id (LIST lg:{t}:holdq:<d>:<contact>).
std::string delivery_hold_queue_prefix(std::string_view tenant, std::string_view dest);
// Leases (store/lease.hpp): fanout (the outbox fan-out), dst:<d> (delivery of destination d).
std::string lease(std::string_view tenant, std::string_view name);               // lg:{t}:lease:<name>

}  // namespace lg::store::keys
