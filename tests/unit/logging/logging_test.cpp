// logging.cpp: masks and JSON escaping.
#include "logging/logging.hpp"

#include <gtest/gtest.h>

namespace lg::logging {
namespace {

TEST(Mask, Phone) {
  EXPECT_EQ(mask_phone("+84912345678"), "+849****5678");
  EXPECT_EQ(mask_phone("+14155550123"), "+141****0123");
  EXPECT_EQ(mask_phone("12345"), "***45");
  EXPECT_EQ(mask_phone(""), "");
}

TEST(Mask, Email) {
  EXPECT_EQ(mask_email("lan@example.com"), "l***@example.com");
  EXPECT_EQ(mask_email("a@b.vn"), "a***@b.vn");
  EXPECT_EQ(mask_email("not-an-email"), "***");
  EXPECT_EQ(mask_email("@example.com"), "***");
}

TEST(JsonEscape, ControlAndQuotes) {
  std::string out;
  append_json_escaped(out, "a\"b\\c\nd\x01 Nguyễn");
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd\\u0001 Nguyễn");
}

}  // namespace
}  // namespace lg::logging
