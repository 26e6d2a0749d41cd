// time_format.cpp: RFC 3339 with milliseconds in UTC.
#include "gateway/time_format.hpp"

#include <gtest/gtest.h>

namespace lg::gateway {
namespace {

TEST(TimeFormat, Rfc3339Ms) {
  using namespace std::chrono;
  EXPECT_EQ(format_rfc3339_ms(system_clock::time_point(milliseconds(0))), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_ms(system_clock::time_point(milliseconds(1795834800123))), "2026-11-28T03:00:00.123Z");
}

}  // namespace
}  // namespace lg::gateway
