// What a process's delivery pool reports of its destinations at each /metrics scrape: totals
// since it started, and what the last sample of Redis found (gateway/metrics.hpp turns it into
// the leadgate_deliver* series).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lg::webhooks {

struct delivery_figures {
  std::string destination;
  std::uint64_t attempts = 0, delivered = 0, failures = 0, dead = 0, redis_errors = 0;
  int breaker = 0;          // 0 closed, 1 half-open, 2 open
  bool lease_held = false;  // this process delivers the destination now
  long long backlog = 0;    // entries waiting: destination stream + parked for retry
  long long dead_letters = 0;
  double lag_seconds = 0;   // age of the oldest entry waiting
};
struct delivery_report {
  std::vector<delivery_figures> destinations;
  long long outbox_length = 0;  // outbox entries not yet copied (writers refuse at the limit)
  std::uint64_t fanout_entries = 0;
};

}  // namespace lg::webhooks
