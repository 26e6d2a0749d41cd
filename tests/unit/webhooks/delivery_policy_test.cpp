// webhooks/delivery_policy.cpp: reply classification (2xx / 408-429-5xx-no reply / other),
// Retry-After, event matching, event types of outbox entries, and the next attempt's time
// with the schedule and jitter.
#include "webhooks/delivery_policy.hpp"

#include <gtest/gtest.h>

namespace lg::webhooks {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::system_clock;

std::expected<net::http_response, core::error> reply(unsigned status, std::string body = {},
                                                std::string retry_after = {}) {
  net::http_response r;
  r.status = status;
  r.body = std::move(body);
  if (!retry_after.empty()) r.headers.set("Retry-After", retry_after);
  return r;
}

TEST(DeliveryPolicy, ClassifiesReplies) {
  const auto now = system_clock::time_point(1'700'000'000s);
  struct row {
    unsigned status;
    attempt_kind kind;
  };
  for (const auto& [status, kind] : std::vector<row>{{200, attempt_kind::delivered},
                                                     {204, attempt_kind::delivered},
                                                     {299, attempt_kind::delivered},
                                                     {408, attempt_kind::retry},
                                                     {429, attempt_kind::retry},
                                                     {500, attempt_kind::retry},
                                                     {503, attempt_kind::retry},
                                                     {599, attempt_kind::retry},
                                                     {400, attempt_kind::permanent},
                                                     {401, attempt_kind::permanent},
                                                     {404, attempt_kind::permanent},
                                                     {410, attempt_kind::permanent},
                                                     {301, attempt_kind::permanent}}) {
    const auto r = classify(reply(status, "x"), now);
    EXPECT_EQ(r.kind, kind) << status;
    EXPECT_EQ(r.status, status);
  }
  const auto none = classify(std::unexpected(core::make_error(core::errc::timeout, "read timed out")), now);
  EXPECT_EQ(none.kind, attempt_kind::retry);
  EXPECT_EQ(none.status, 0u);
  EXPECT_EQ(none.error, "read timed out");
}

TEST(DeliveryPolicy, KeepsABoundedReplyAndRetryAfter) {
  const auto now = system_clock::time_point(1'700'000'000s);
  const auto big = classify(reply(400, std::string(10000, 'e')), now);
  EXPECT_EQ(big.reply.size(), reply_keep);
  EXPECT_EQ(classify(reply(429, "", "120"), now).retry_after, milliseconds(120000));
  EXPECT_EQ(classify(reply(503, "", "garbage"), now).retry_after, std::nullopt);
  EXPECT_EQ(classify(reply(400, "", "120"), now).retry_after, std::nullopt);  // permanent: ignored
}

TEST(DeliveryPolicy, EventMatching) {
  EXPECT_TRUE(wants_event({}, "lead.assigned"));
  EXPECT_TRUE(wants_event({"*"}, "contact.created"));
  EXPECT_TRUE(wants_event({"contact.created", "lead.assigned"}, "lead.assigned"));
  EXPECT_FALSE(wants_event({"contact.created"}, "lead.assigned"));
  EXPECT_TRUE(wants_event({"lead.*"}, "lead.status_changed"));
  EXPECT_FALSE(wants_event({"lead.*"}, "leads.x"));
  EXPECT_FALSE(wants_event({"lead.*"}, "contact.updated"));
}

TEST(DeliveryPolicy, EventTypeOfOutboxEntries) {
  using f = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(event_type(f{{"kind", "assign"}}), "lead.assigned");
  EXPECT_EQ(event_type(f{{"kind", "claim"}}), "lead.assigned");
  EXPECT_EQ(event_type(f{{"kind", "reassign"}}), "lead.assigned");
  EXPECT_EQ(event_type(f{{"kind", "escalate"}}), "lead.assigned");
  EXPECT_EQ(event_type(f{{"kind", "closed"}}), "lead.closed");
  EXPECT_EQ(event_type(f{{"kind", "assign"}, {"type", "contact.created"}}), "contact.created");
}

TEST(DeliveryPolicy, NextAttemptFollowsScheduleJitterAndRetryAfter) {
  retry_policy p;  // 0, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; jitter 0.2
  const auto now = system_clock::time_point(1'700'000'000s);
  const random_source low = [] { return 0.0; };
  const random_source mid = [] { return 0.5; };
  const random_source high = [] { return 0.999999; };
  // After 1 failed attempt the 2nd is due after 5 s ± 20 %.
  EXPECT_EQ(next_attempt_at(p, 1, std::nullopt, now, mid), now + 5s);
  EXPECT_EQ(next_attempt_at(p, 1, std::nullopt, now, low), now + 4s);
  const auto hi = *next_attempt_at(p, 1, std::nullopt, now, high);
  EXPECT_GT(hi, now + 5999ms);
  EXPECT_LE(hi, now + 6s);
  EXPECT_EQ(next_attempt_at(p, 2, std::nullopt, now, mid), now + 5min);
  EXPECT_EQ(next_attempt_at(p, 7, std::nullopt, now, mid), now + 10h);
  // Eight attempts made: the schedule is used up.
  EXPECT_EQ(next_attempt_at(p, 8, std::nullopt, now, mid), std::nullopt);
  // A longer Retry-After wins; a shorter one does not shorten the schedule.
  EXPECT_EQ(next_attempt_at(p, 1, milliseconds(60000), now, mid), now + 60s);
  EXPECT_EQ(next_attempt_at(p, 2, milliseconds(1000), now, mid), now + 5min);
  // Every jittered delay stays within ±20 % over many draws.
  std::uint32_t seed = 7;
  const random_source lcg = [&seed] {
    seed = seed * 1664525u + 1013904223u;
    return static_cast<double>(seed) / 4294967296.0;
  };
  for (int i = 0; i < 1000; ++i) {
    const auto t = *next_attempt_at(p, 3, std::nullopt, now, lcg);
    ASSERT_GE(t, now + 24min);
    ASSERT_LE(t, now + 36min);
  }
}

// What becomes of an entry after an attempt: the table of outcomes, attempts and Retry-After.
TEST(DeliveryVerdict, OutcomeAttemptAndPolicyDecide) {
  retry_policy p;
  p.delays = {milliseconds(0), milliseconds(5000), milliseconds(60000)};  // three attempts in all
  p.jitter = 0;
  const random_source none = [] { return 0.5; };
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000));
  auto result = [](attempt_kind k, unsigned status, std::string error = {},
                   std::optional<milliseconds> retry_after = std::nullopt) {
    attempt_result r;
    r.kind = k;
    r.status = status;
    r.error = std::move(error);
    r.retry_after = retry_after;
    return r;
  };
  struct row {
    const char* what;
    attempt_result r;
    unsigned attempt;
    delivery_verdict::kind_t kind;
    milliseconds wait;  // retry: after now
    const char* reason;
  } rows[] = {
      {"2xx", result(attempt_kind::delivered, 200), 1, delivery_verdict::delivered, {}, ""},
      {"4xx at the first attempt", result(attempt_kind::permanent, 422), 1, delivery_verdict::dead, {},
       "rejected: HTTP 422"},
      {"5xx at the first attempt", result(attempt_kind::retry, 503), 1, delivery_verdict::retry, milliseconds(5000),
       "HTTP 503"},
      {"timeout at the second", result(attempt_kind::retry, 0, "timed out"), 2, delivery_verdict::retry,
       milliseconds(60000), "timed out"},
      {"a reply-less failure names itself", result(attempt_kind::retry, 0), 1, delivery_verdict::retry,
       milliseconds(5000), "no reply"},
      {"429 with a longer Retry-After", result(attempt_kind::retry, 429, "", milliseconds(120000)), 1,
       delivery_verdict::retry, milliseconds(120000), "HTTP 429"},
      {"Retry-After shorter than the schedule", result(attempt_kind::retry, 429, "", milliseconds(1000)), 1,
       delivery_verdict::retry, milliseconds(5000), "HTTP 429"},
      {"the last attempt failed", result(attempt_kind::retry, 500), 3, delivery_verdict::dead, {},
       "attempts exhausted: HTTP 500"},
      {"a permanent failure late", result(attempt_kind::permanent, 404), 3, delivery_verdict::dead, {},
       "rejected: HTTP 404"},
  };
  for (const auto& r : rows) {
    const auto v = decide(r.r, r.attempt, p, now, none);
    EXPECT_EQ(v.kind, r.kind) << r.what;
    EXPECT_EQ(v.reason, r.reason) << r.what;
    if (r.kind == delivery_verdict::retry) {
      EXPECT_EQ(v.retry_at - now, r.wait) << r.what;
    }
  }
}

}  // namespace
}  // namespace lg::webhooks
