// config/field_targets.cpp: which form-field targets a source's field map may name.
#include "config/field_targets.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lg::config {
namespace {

TEST(FieldTargets, Known) {
  for (const char* t : {"full_name", "family_name", "given_name", "phone", "email", "city", "address", "message",
                        "page_url", "referrer", "utm_source", "utm_content", "interest.program", "consent.marketing",
                        "extra.ad_id"})
    EXPECT_TRUE(is_known_target(t)) << t;
  for (const char* t : {"", "fone", "interest", "interest.", "interest.Program", "consent.a-b", "other.key",
                        "utm_foo", ".program"})
    EXPECT_FALSE(is_known_target(t)) << t;
  EXPECT_TRUE(is_known_target("extra." + std::string(64, 'a')));
  EXPECT_FALSE(is_known_target("extra." + std::string(65, 'a')));
}

}  // namespace
}  // namespace lg::config
