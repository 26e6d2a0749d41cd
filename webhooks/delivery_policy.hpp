// The pure rules of delivery, shared by the engine (delivery.cpp), the connectors and their
// tests: what a reply means (delivered, retry later, permanent failure), which event types a
// destination wants, the event type of an outbox entry, and when the next attempt is due.
#pragma once

#include "core/error.hpp"
#include "http/client.hpp"
#include "webhooks/retry_schedule.hpp"

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::webhooks {

enum class attempt_kind { delivered, retry, permanent };

// What one attempt came to. `reply` is the reply body cut to reply_keep bytes (dead letters
// keep it); `error` names a transport failure (timeout, refused, …), never a credential.
struct attempt_result {
  attempt_kind kind = attempt_kind::retry;
  unsigned status = 0;  // 0: no HTTP reply
  std::string reply;
  std::string error;
  std::optional<std::chrono::milliseconds> retry_after;
};

inline constexpr std::size_t reply_keep = 2048;

// 2xx: delivered. 408, 429, 5xx, and no reply at all (timeout, connection refused/reset, a
// reply too large): retry, honouring Retry-After. Every other status (1xx, 3xx, 4xx): permanent.
attempt_result classify(const std::expected<net::http_response, core::error>& reply,
                        std::chrono::system_clock::time_point now);

// `events` as configured: empty or "*" wants everything; "lead.*" every type starting "lead.".
bool wants_event(const std::vector<std::string>& events, std::string_view type);

// The event type of an outbox entry: its own `type` field when the writer set one, else from
// assign.lua's `kind` (assign, claim, reassign, escalate: a lead given to a member) —
// "lead.assigned"; any other kind k: "lead.<k>".
std::string event_type(const std::vector<std::pair<std::string, std::string>>& fields);

// When the attempt after `attempts_made` failed attempts is due, or nullopt when the policy
// allows no more (dead letter).
std::optional<std::chrono::system_clock::time_point> next_attempt_at(
    const retry_policy& policy, unsigned attempts_made, std::optional<std::chrono::milliseconds> retry_after,
    std::chrono::system_clock::time_point now, const random_source& random);

// What becomes of an entry after attempt number `attempt` (1-based) came to `result` at `now`.
struct delivery_verdict {
  enum kind_t { delivered, retry, dead };
  kind_t kind = retry;
  std::chrono::system_clock::time_point retry_at{};  // retry: when the next attempt is due
  // dead: "rejected: HTTP 422" or "attempts exhausted: <what failed>"; retry: what failed
  std::string reason;
};
delivery_verdict decide(const attempt_result& result, unsigned attempt, const retry_policy& policy,
                        std::chrono::system_clock::time_point now, const random_source& random);

}  // namespace lg::webhooks
