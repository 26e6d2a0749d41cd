// The pure matcher: a lead (with what identity resolution knows of its contact) and a rule set
// in, a routing decision and a trace of every rule out. No I/O, no clock of its own: the caller
// passes the local time in the tenant's zone, so tests and the dry-run are deterministic.
#pragma once

#include "core/lead_event.hpp"
#include "routing/rules.hpp"

#include <string>
#include <vector>

namespace lg::routing {

// What the matcher reads beyond the lead event itself.
struct lead_view {
  const core::lead_event& event;
  bool returning = false;
  std::string owner;  // current owner member id, when returning
  std::string team;   // current team, when returning
};

// The tenant's local time of the lead: minutes since local midnight and ISO day (1=Mon..7=Sun).
struct local_time {
  int minute_of_day = 0;
  int iso_weekday = 1;
};

struct rule_trace {
  std::string rule;
  bool enabled = true;
  bool matched = false;
  std::vector<std::string> reasons;  // one line per condition: what was compared and the outcome
};

struct decision {
  std::string rule;  // the matching rule's name, or "default"
  routing::action action;
  std::vector<rule_trace> trace;  // every rule up to and including the match (all with full_trace)
};

// full_trace: evaluate every rule even after the first match (the admin dry-run wants all).
decision decide(const lead_view& lead, const rule_set& rules, const local_time& now, bool full_trace = false);

// Local time in an IANA zone (ICU) of an instant given as milliseconds since the epoch.
local_time to_local(long long epoch_ms, const std::string& time_zone);

}  // namespace lg::routing
