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

TEST(TimeFormat, Rfc3339AsOthersWriteIt) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2026-11-22T03:00:00.123Z"), 1795316400);
  EXPECT_EQ(parse_rfc3339("2026-11-22T10:00:00+07:00"), 1795316400);
  EXPECT_EQ(parse_rfc3339("2026-11-22 03:00:00Z"), 1795316400);  // a space for the T (Sugar)
  EXPECT_EQ(parse_rfc3339("2026-11-23T09:30:05-04:30"), 1'795'442'405);
  EXPECT_EQ(parse_rfc3339("2026-11-22T03:00:00"), std::nullopt);  // no zone
  EXPECT_EQ(parse_rfc3339("2026-11-23T14:00:05+0700"), std::nullopt);  // the offset needs its colon
  EXPECT_EQ(parse_rfc3339("2026-13-22T03:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-02-30T03:00:00Z"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-11-23"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("2026-11-22T03:00:00Z trailing"), std::nullopt);
  EXPECT_EQ(parse_rfc3339("garbage"), std::nullopt);
}

TEST(TimeFormat, HttpDatesInTheirThreeForms) {
  // 784111777 = Sun, 06 Nov 1994 08:49:37 GMT (date -u -d @784111777).
  const auto t = std::chrono::system_clock::time_point{std::chrono::seconds(784111777)};
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), t);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), t);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), t);
  EXPECT_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT trailing"));
}

}  // namespace
}  // namespace lg::core
