// See delivery_policy.hpp.
#include "webhooks/delivery_policy.hpp"

namespace lg::webhooks {

attempt_result classify(const std::expected<http_response, core::error>& reply,
                        std::chrono::system_clock::time_point now) {
  attempt_result r;
  if (!reply) {
    r.kind = attempt_kind::retry;
    r.error = reply.error().message;
    return r;
  }
  r.status = reply->status;
  r.reply = reply->body.substr(0, reply_keep);
  if (r.status >= 200 && r.status < 300) {
    r.kind = attempt_kind::delivered;
  } else if (r.status == 408 || r.status == 429 || (r.status >= 500 && r.status < 600)) {
    r.kind = attempt_kind::retry;
    if (auto ra = reply->header("retry-after"); !ra.empty()) r.retry_after = parse_retry_after(ra, now);
  } else {
    r.kind = attempt_kind::permanent;
  }
  return r;
}

bool wants_event(const std::vector<std::string>& events, std::string_view type) {
  if (events.empty()) return true;
  for (const auto& e : events) {
    if (e == "*" || e == type) return true;
    if (e.size() >= 2 && e.ends_with(".*") && type.starts_with(std::string_view(e).substr(0, e.size() - 1))) return true;
  }
  return false;
}

std::string event_type(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string kind;
  for (const auto& [k, v] : fields) {
    if (k == "type" && !v.empty()) return v;
    if (k == "kind") kind = v;
  }
  if (kind.empty() || kind == "assign" || kind == "claim" || kind == "reassign" || kind == "escalate")
    return "lead.assigned";
  return "lead." + kind;
}

std::optional<std::chrono::system_clock::time_point> next_attempt_at(
    const retry_policy& policy, unsigned attempts_made, std::optional<std::chrono::milliseconds> retry_after,
    std::chrono::system_clock::time_point now, const random_source& random) {
  const auto d = delay_before_attempt(policy, attempts_made + 1, retry_after, random);
  if (!d) return std::nullopt;
  return now + *d;
}

}  // namespace lg::webhooks
