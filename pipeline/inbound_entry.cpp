// See inbound_entry.hpp.
#include "pipeline/inbound_entry.hpp"
#include "core/json_text.hpp"

#include "core/backoff.hpp"

#include <nlohmann/json.hpp>

namespace lg::pipeline {

std::expected<core::lead_event, std::string> read_inbound_event(const store::stream_entry& e,
                                                                std::string_view event_field) {
  const std::string* raw = e.field(event_field);
  if (raw == nullptr) return std::unexpected("no '" + std::string(event_field) + "' field");
  auto j = nlohmann::json::parse(*raw, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::unexpected(std::string("not a JSON object"));
  core::lead_event event;
  try {
    j.get_to(event);
  } catch (const nlohmann::json::exception& ex) {
    // from_json reports type mismatches by throwing; this is the data plane's boundary.
    return std::unexpected(std::string("not a lead event: ") + ex.what());
  }
  if (event.event_id.empty()) return std::unexpected(std::string("event_id is missing"));
  return event;
}

store::quarantine_entry inbound_quarantine_entry(const store::stream_entry& e, std::string_view event_field,
                                                 std::string tenant, std::string reason) {
  store::quarantine_entry q;
  q.tenant = std::move(tenant);
  q.stage = "process";
  q.reason = std::move(reason);
  q.entry_id = e.id;
  nlohmann::json others = nlohmann::json::object();
  for (const auto& [f, v] : e.fields) {
    if (f == event_field) q.body = v;
    else others[f] = v;
  }
  q.headers = core::json_text(others);
  if (auto j = nlohmann::json::parse(q.body, nullptr, false); j.is_object()) {
    auto text = [&](const char* key) {
      const auto it = j.find(key);
      return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    q.source = text("source");
    q.channel = text("channel");
    q.received_at = text("received_at");
  }
  return q;
}

store::enrich_attempts next_enrich_attempt(const store::enrich_attempts& before, std::int64_t now_ms,
                                           const enrich_backoff& backoff, double unit) {
  const auto tries = before.tries < 0 ? 0 : before.tries;
  const auto delay = core::backoff_delay(backoff.first, backoff.max, static_cast<unsigned>(std::min<std::int64_t>(tries, 64)), unit);
  return store::enrich_attempts{tries + 1, now_ms + delay.count()};
}

}  // namespace lg::pipeline
