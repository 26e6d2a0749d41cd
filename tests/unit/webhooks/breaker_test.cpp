// webhooks/breaker.cpp: closed → open after N consecutive failures, no attempts while open,
// exactly one probe once open_for has passed, probe success closes, probe failure re-opens.
#include "webhooks/breaker.hpp"

#include <gtest/gtest.h>

namespace lg::webhooks {
namespace {

using namespace std::chrono_literals;
using clock = circuit_breaker::clock;

TEST(Breaker, OpensAfterConsecutiveFailuresOnly) {
  circuit_breaker b({3, 30s});
  const auto t0 = clock::time_point(1000s);
  EXPECT_TRUE(b.allow(t0));
  b.on_failure(t0);
  b.on_failure(t0);
  b.on_success();  // the run is broken: counting starts again
  EXPECT_EQ(b.consecutive_failures(), 0u);
  b.on_failure(t0);
  b.on_failure(t0);
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_TRUE(b.allow(t0));
  b.on_failure(t0 + 1s);
  EXPECT_EQ(b.state(), breaker_state::open);
  EXPECT_EQ(b.opened_at(), t0 + 1s);
  EXPECT_EQ(b.reopen_at(), t0 + 31s);
  EXPECT_EQ(b.times_opened(), 1u);
}

TEST(Breaker, HalfOpenLetsExactlyOneProbe) {
  circuit_breaker b({1, 10s});
  const auto t0 = clock::time_point(5000s);
  b.on_failure(t0);
  ASSERT_EQ(b.state(), breaker_state::open);
  EXPECT_FALSE(b.allow(t0 + 9999ms));
  EXPECT_EQ(b.state(), breaker_state::open);
  EXPECT_TRUE(b.allow(t0 + 10s));  // the probe
  EXPECT_EQ(b.state(), breaker_state::half_open);
  EXPECT_FALSE(b.allow(t0 + 10s));  // a second one must wait for the probe's outcome
  EXPECT_FALSE(b.allow(t0 + 60s));
  b.on_failure(t0 + 11s);  // probe failed: open again, for a full period from now
  EXPECT_EQ(b.state(), breaker_state::open);
  EXPECT_EQ(b.times_opened(), 2u);
  EXPECT_FALSE(b.allow(t0 + 20s));
  EXPECT_TRUE(b.allow(t0 + 21s));
  b.on_success();
  EXPECT_EQ(b.state(), breaker_state::closed);
  EXPECT_TRUE(b.allow(t0 + 21s));
  EXPECT_TRUE(b.allow(t0 + 21s));
}

TEST(Breaker, StateNames) {
  EXPECT_EQ(to_string(breaker_state::closed), "closed");
  EXPECT_EQ(to_string(breaker_state::open), "open");
  EXPECT_EQ(to_string(breaker_state::half_open), "half_open");
}

}  // namespace
}  // namespace lg::webhooks
