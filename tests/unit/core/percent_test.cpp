// core/percent: the one percent codec.
#include "core/percent.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace lg::core {
namespace {

TEST(PercentEncode, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(percent_encode("a b&c=d/e?f#g+h%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25");
  EXPECT_EQ(percent_encode("{\"user_id\":\"1\"}"), "%7B%22user_id%22%3A%221%22%7D");
  EXPECT_EQ(percent_encode("Nguy\xE1\xBB\x85n"), "Nguy%E1%BB%85n");  // UTF-8 bytes, upper-case hex
  EXPECT_EQ(percent_encode(std::string_view("\0", 1)), "%00");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(PercentDecode, Table) {
  EXPECT_EQ(percent_decode("a+b%20c", true), "a b c");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("%e1%BB%85", false), "ễ");
  EXPECT_FALSE(percent_decode("%", false));
  EXPECT_FALSE(percent_decode("%1", false));
  EXPECT_FALSE(percent_decode("%-1", false));
}

}  // namespace
}  // namespace lg::core
