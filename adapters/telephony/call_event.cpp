// One finished call -> one hotline lead event.
#include "adapters/telephony/call_event.hpp"

#include "adapters/telephony/hook_common.hpp"

namespace lg::adapters::telephony {

core::lead_event call_event(const config::source_config& src, const inbound_request& req, const call_facts& f) {
  auto e = hook::base_event(src, req, core::channel::hotline);
  e.event_id = "hotline:call:" + f.call_id;
  if (f.occurred_at) e.occurred_at = *f.occurred_at;
  hook::add_reported_phone(e.contact, f.from);
  if (auto called = hook::reported_e164(f.to)) e.extra["called_number"] = *called;
  else if (!f.to.empty()) e.extra["called_number_raw"] = hook::utf8_clean(f.to, 64);
  e.extra["missed_call"] = f.missed ? "true" : "false";
  e.extra["call_id"] = f.call_id;
  e.extra["call_provider"] = f.provider;
  if (!f.status.empty()) e.extra["call_status"] = hook::utf8_clean(f.status, 64);
  if (f.duration_s) e.extra["call_duration_s"] = std::to_string(*f.duration_s);
  if (f.missed) {
    e.message = "Cuộc gọi nhỡ";
  } else {
    e.message = "Cuộc gọi đến";
    if (f.duration_s && *f.duration_s > 0) e.message += " (" + std::to_string(*f.duration_s) + " giây)";
  }
  return e;
}

}  // namespace lg::adapters::telephony
