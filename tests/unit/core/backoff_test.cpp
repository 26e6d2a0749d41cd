// backoff_delay: doubling from the minimum, capped, jittered into [base/2, base].
#include "core/backoff.hpp"

#include <gtest/gtest.h>

namespace lg::core {
namespace {

using std::chrono::milliseconds;

TEST(backoff, doubles_up_to_the_cap) {
  const milliseconds lo{50}, hi{5000};
  // unit = 1 gives the top of the range: the base itself.
  EXPECT_EQ(backoff_delay(lo, hi, 0, 1.0), milliseconds(50));
  EXPECT_EQ(backoff_delay(lo, hi, 1, 1.0), milliseconds(100));
  EXPECT_EQ(backoff_delay(lo, hi, 3, 1.0), milliseconds(400));
  EXPECT_EQ(backoff_delay(lo, hi, 7, 1.0), milliseconds(5000));  // 6400 capped
  EXPECT_EQ(backoff_delay(lo, hi, 1000, 1.0), milliseconds(5000));
}

TEST(backoff, jitter_stays_within_half_to_full) {
  const milliseconds lo{50}, hi{5000};
  EXPECT_EQ(backoff_delay(lo, hi, 2, 0.0), milliseconds(100));  // half of 200
  for (double u : {0.0, 0.1, 0.5, 0.99}) {
    auto d = backoff_delay(lo, hi, 4, u);
    EXPECT_GE(d, milliseconds(400));
    EXPECT_LE(d, milliseconds(800));
  }
  EXPECT_LT(backoff_delay(lo, hi, 4, 0.2), backoff_delay(lo, hi, 4, 0.8));
}

TEST(backoff, odd_settings_stay_sane) {
  // max below min: the cap becomes min; zero min: at least 1 ms; out-of-range unit clamped.
  EXPECT_EQ(backoff_delay(milliseconds(100), milliseconds(10), 5, 1.0), milliseconds(100));
  EXPECT_GE(backoff_delay(milliseconds(0), milliseconds(0), 0, 0.0), milliseconds(1));
  EXPECT_EQ(backoff_delay(milliseconds(50), milliseconds(5000), 0, 7.0), milliseconds(50));
}

}  // namespace
}  // namespace lg::core
