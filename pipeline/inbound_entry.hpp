// The pure decisions of the resolve stage about one lg:{t}:in entry, apart from its I/O: what
// event the entry holds (or why it cannot be one), how it is kept in the quarantine, and when a
// failed provider fetch is tried again.
#pragma once

#include "core/lead_event.hpp"
#include "store/enrich_state.hpp"
#include "store/quarantine.hpp"
#include "store/streams.hpp"

#include <chrono>
#include <expected>
#include <string>
#include <string_view>

namespace lg::pipeline {

// The lead event in `event_field` of an accepted entry; the error is the reason it is
// quarantined ("no 'lead' field", "not a JSON object", "not a lead event: …", "event_id is
// missing").
std::expected<core::lead_event, std::string> read_inbound_event(const store::stream_entry& e,
                                                                std::string_view event_field);

// The quarantine entry of an inbound entry (stage "process"): the event's JSON as the body, the
// entry's other fields as "headers", and the event's own source/channel/received_at when its
// JSON says them.
store::quarantine_entry inbound_quarantine_entry(const store::stream_entry& e, std::string_view event_field,
                                                 std::string tenant, std::string reason);

struct enrich_backoff {
  std::chrono::milliseconds first{1000};  // after the first failed fetch; doubles
  std::chrono::milliseconds max{300000};
};

// The attempts after one more failed fetch at `now_ms`: the count goes up and the next fetch is
// due after the backoff (core::backoff_delay with `unit` in [0, 1) as its jitter draw).
store::enrich_attempts next_enrich_attempt(const store::enrich_attempts& before, std::int64_t now_ms,
                                           const enrich_backoff& backoff, double unit);

}  // namespace lg::pipeline
