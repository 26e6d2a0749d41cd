#include "webhooks/retry_schedule.hpp"

#include <gtest/gtest.h>

namespace lg::webhooks {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const random_source middle = [] { return 0.5; };  // no jitter: factor 1

TEST(RetrySchedule, DefaultScheduleWithoutJitter) {
  retry_policy p;
  const milliseconds expected[] = {0ms, 5s, 5min, 30min, 2h, 5h, 10h, 10h};
  ASSERT_EQ(p.delays.size(), 8u);
  for (unsigned n = 1; n <= 8; ++n) {
    auto d = delay_before_attempt(p, n, std::nullopt, middle);
    ASSERT_TRUE(d) << n;
    EXPECT_EQ(*d, expected[n - 1]) << "attempt " << n;
  }
}

TEST(RetrySchedule, GivesUpAfterTheLastAttempt) {
  retry_policy p;
  EXPECT_FALSE(delay_before_attempt(p, 9, std::nullopt, middle));
  EXPECT_FALSE(delay_before_attempt(p, 0, std::nullopt, middle));
  p.delays = {0ms, 1s};
  EXPECT_TRUE(delay_before_attempt(p, 2, std::nullopt, middle));
  EXPECT_FALSE(delay_before_attempt(p, 3, std::nullopt, middle));
}

TEST(RetrySchedule, JitterSpansPlusMinusTheFraction) {
  retry_policy p;  // jitter 0.2
  EXPECT_EQ(*delay_before_attempt(p, 2, std::nullopt, [] { return 0.0; }), 4s);
  EXPECT_EQ(*delay_before_attempt(p, 2, std::nullopt, [] { return 1.0; }), 6s);
  EXPECT_EQ(*delay_before_attempt(p, 3, std::nullopt, [] { return 0.75; }), 330s);  // 300 * 1.1
  // The immediate first attempt stays immediate whatever the random source says.
  EXPECT_EQ(*delay_before_attempt(p, 1, std::nullopt, [] { return 1.0; }), 0ms);
  // Out-of-range random values and jitter are clamped, never negative.
  p.jitter = 5.0;
  EXPECT_EQ(*delay_before_attempt(p, 2, std::nullopt, [] { return -3.0; }), 0ms);
  EXPECT_EQ(*delay_before_attempt(p, 2, std::nullopt, [] { return 7.0; }), 10s);
}

TEST(RetrySchedule, RetryAfterWinsOnlyWhenLonger) {
  retry_policy p;
  EXPECT_EQ(*delay_before_attempt(p, 2, 60s, middle), 60s);
  EXPECT_EQ(*delay_before_attempt(p, 3, 60s, middle), 5min);
  EXPECT_EQ(*delay_before_attempt(p, 2, milliseconds{-5}, middle), 5s);
  // Clamped to max_retry_after.
  EXPECT_EQ(*delay_before_attempt(p, 2, std::chrono::hours(24 * 365), middle), 24h);
  // Retry-After never revives a schedule that is exhausted.
  EXPECT_FALSE(delay_before_attempt(p, 9, 1s, middle));
}

TEST(RetryAfter, DeltaSeconds) {
  const auto now = std::chrono::system_clock::time_point{};
  EXPECT_EQ(parse_retry_after("120", now), milliseconds{120000});
  EXPECT_EQ(parse_retry_after(" 0 ", now), milliseconds{0});
  EXPECT_EQ(parse_retry_after("99999999999999999999999", now),
            std::chrono::duration_cast<milliseconds>(std::chrono::seconds(100LL * 365 * 24 * 3600)));
  EXPECT_FALSE(parse_retry_after("12a", now));
  EXPECT_FALSE(parse_retry_after("-5", now));
  EXPECT_FALSE(parse_retry_after("", now));
  EXPECT_FALSE(parse_retry_after("soon", now));
}

TEST(RetryAfter, DateRelativeToNow) {
  const auto now = std::chrono::system_clock::time_point{std::chrono::seconds(784111777 - 90)};
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), milliseconds{90000});
  const auto later = std::chrono::system_clock::time_point{std::chrono::seconds(784111777 + 90)};
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", later), milliseconds{0});
}

}  // namespace
}  // namespace lg::webhooks
