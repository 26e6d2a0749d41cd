// cors.cpp: origin matching.
#include "gateway/cors.hpp"

#include <gtest/gtest.h>

namespace lg::gateway::cors {
namespace {

TEST(Cors, ExactAndCaseInsensitive) {
  const std::vector<std::string> allowed{"https://www.example.edu.vn", "http://localhost:3000/"};
  EXPECT_TRUE(origin_allowed(allowed, "https://www.example.edu.vn"));
  EXPECT_TRUE(origin_allowed(allowed, "HTTPS://WWW.EXAMPLE.EDU.VN"));
  EXPECT_TRUE(origin_allowed(allowed, "http://localhost:3000"));
  EXPECT_FALSE(origin_allowed(allowed, "https://evil.example.edu.vn"));
  EXPECT_FALSE(origin_allowed(allowed, "http://www.example.edu.vn"));
  EXPECT_FALSE(origin_allowed(allowed, "https://www.example.edu.vn:8443"));
  EXPECT_FALSE(origin_allowed(allowed, ""));
}

TEST(Cors, WildcardAndEmpty) {
  EXPECT_TRUE(origin_allowed({"*"}, "https://anything.example"));
  EXPECT_FALSE(origin_allowed({"*"}, ""));
  EXPECT_FALSE(origin_allowed({}, "https://a.example"));
}

}  // namespace
}  // namespace lg::gateway::cors
