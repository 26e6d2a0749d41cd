// core/time_format: RFC 3339 with milliseconds in UTC, and the bounds of epoch-ms input.
#include "core/time_format.hpp"

#include <gtest/gtest.h>

namespace lg::core {
namespace {

TEST(TimeFormat, Rfc3339Ms) {
  using namespace std::chrono;
  EXPECT_EQ(format_rfc3339_ms(system_clock::time_point(milliseconds(0))), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(system_clock::time_point(milliseconds(1795834800123))), "2026-11-28T03:00:00.123Z");
}

TEST(TimeFormat, FromUnixMsIsBounded) {
  EXPECT_EQ(rfc3339_from_unix_ms(1795834800123), "2026-11-28T03:00:00.123Z");
  EXPECT_EQ(rfc3339_from_unix_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_from_unix_ms(253402300799999), "9999-12-31T23:59:59.999Z");
  EXPECT_FALSE(rfc3339_from_unix_ms(253402300800000));
  EXPECT_FALSE(rfc3339_from_unix_ms(-1));
}

}  // namespace
}  // namespace lg::core
