// core/email.cpp: the stored form of an email and its matching key, table-driven.
#include "core/normalize.hpp"
#include "unit/core/refused.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lg::core {
namespace {

const std::string local_64(64, 'a');

const normalize_case email_cases[] = {
    {"lan@example.com", "lan@example.com"},
    {"  Lan.Nguyen@Example.COM \t", "lan.nguyen@example.com"},
    {"LAN@EXAMPLE.COM", "lan@example.com"},
    {"lan.nguyen+ielts@gmail.com", "lan.nguyen+ielts@gmail.com"},  // stored form keeps the tag
    {"first.last@sub.example.edu.vn", "first.last@sub.example.edu.vn"},
    {"o'brien@example.ie", "o'brien@example.ie"},
    {"a_b-c@my-school.vn", "a_b-c@my-school.vn"},
    {local_64 + "@example.com", local_64 + "@example.com"},
    {"", "", "empty"},
    {"   ", "", "empty"},
    {"lan", "", "no '@'"},
    {"lan@", "", "no domain"},
    {"@example.com", "", "empty local part"},
    {"lan@example", "", "no dot"},
    {"lan@@example.com", "", "more than one '@'"},
    {"a@b@example.com", "", "more than one '@'"},
    {"lan nguyen@example.com", "", "local part"},
    {"lan..nguyen@example.com", "", "local part"},
    {".lan@example.com", "", "local part"},
    {"lan.@example.com", "", "local part"},
    {"\"lan\"@example.com", "", "local part"},
    {"lan@-example.com", "", "'-'"},
    {"lan@example..com", "", "invalid characters"},
    {"lan@exa_mple.com", "", "invalid characters"},
    {"lan@example.c", "", "top-level"},
    {"lan@10.0.0.1", "", "top-level"},
    {"l\xC3\xA2n@example.com", "", "non-ASCII"},
    {local_64 + "a@example.com", "", "longer than 64"},
    {"lan@" + std::string(63, 'd') + "." + std::string(63, 'd') + "." + std::string(63, 'd') + "." +
         std::string(60, 'd') + ".com",
     "", "longer than 254"},
    {"lan@" + std::string(64, 'd') + ".com", "", "label is too long"},
};

TEST(email, normalize_table) {
  expect_table(
      email_cases, [](const std::string& raw) { return normalize_email(raw); }, "email",
      [](const std::string& got) {
        const auto again = normalize_email(got);
        ASSERT_TRUE(again.has_value()) << "not a fixed point";
        EXPECT_EQ(*again, got);
      });
}

struct match_case {
  std::string_view normalized;
  std::string_view key;
};

constexpr match_case match_cases[] = {
    {"lan.nguyen@gmail.com", "lannguyen@gmail.com"},
    {"lan.nguyen+ielts@gmail.com", "lannguyen@gmail.com"},
    {"l.a.n+a+b@googlemail.com", "lan@gmail.com"},
    {"lannguyen@gmail.com", "lannguyen@gmail.com"},
    {"lan.nguyen+x@example.com", "lan.nguyen@example.com"},  // dots matter outside Gmail
    {"lan.nguyen@example.com", "lan.nguyen@example.com"},
    {"lan@gmail.com.vn", "lan@gmail.com.vn"},  // not Gmail: no dot folding... and nothing to fold
    {"l.an@gmail.com.vn", "l.an@gmail.com.vn"},
    {"+tag@example.com", "+tag@example.com"},  // a key may not lose the whole local part
    {"no-at-sign", "no-at-sign"},
};

TEST(email, match_key_table) {
  for (const auto& c : match_cases) {
    SCOPED_TRACE(std::string(c.normalized));
    EXPECT_EQ(email_match_key(c.normalized), c.key);
  }
}

}  // namespace
}  // namespace lg::core
