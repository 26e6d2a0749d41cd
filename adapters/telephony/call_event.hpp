// The hotline lead event built from one finished call, whatever the provider: a touch on the
// caller's phone, the called number kept (in E.164) so rules can route per branch hotline, and
// a missed call flagged so routing can send it to a call-back queue. One event per call:
// event_id "hotline:call:<provider call id>".
#pragma once

#include "adapters/inbound_request.hpp"
#include "config/config.hpp"
#include "core/lead_event.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace lg::adapters::telephony {

struct call_facts {
  std::string provider;  // "stringee", "twilio", "generic"
  std::string call_id;   // already checked with hook::valid_id
  std::string from;      // caller, raw
  std::string to;        // called hotline number, raw
  std::string status;    // the provider's final status
  bool missed = false;
  std::optional<std::int64_t> duration_s;
  std::optional<std::string> occurred_at;  // RFC 3339
};

core::lead_event call_event(const config::source_config& src, const inbound_request& req, const call_facts& f);

}  // namespace lg::adapters::telephony
