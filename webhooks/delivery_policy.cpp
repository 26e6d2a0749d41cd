// See delivery_policy.hpp.
#include "webhooks/delivery_policy.hpp"

namespace lg::webhooks {

attempt_result classify(const std::expected<net::http_response, core::error>& reply,
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

namespace {

std::string what_failed(const attempt_result& r) {
  if (r.status != 0) return "HTTP " + std::to_string(r.status);
  return r.error.empty() ? std::string("no reply") : r.error;
}

}  // namespace

delivery_verdict decide(const attempt_result& result, unsigned attempt, const retry_policy& policy,
                        std::chrono::system_clock::time_point now, const random_source& random) {
  delivery_verdict v;
  switch (result.kind) {
    case attempt_kind::delivered:
      v.kind = delivery_verdict::delivered;
      return v;
    case attempt_kind::permanent:
      v.kind = delivery_verdict::dead;
      v.reason = "rejected: " + what_failed(result);
      return v;
    case attempt_kind::retry:
      break;
  }
  if (auto next = next_attempt_at(policy, attempt, result.retry_after, now, random)) {
    v.kind = delivery_verdict::retry;
    v.retry_at = *next;
    v.reason = what_failed(result);
  } else {
    v.kind = delivery_verdict::dead;
    v.reason = "attempts exhausted: " + what_failed(result);
  }
  return v;
}

}  // namespace lg::webhooks
