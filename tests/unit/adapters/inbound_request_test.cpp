// adapters/inbound_request.cpp
#include "adapters/inbound_request.hpp"

#include <gtest/gtest.h>

namespace lg::adapters {
namespace {

TEST(InboundRequest, HeaderLookupFirstMatchAnyCase) {
  inbound_request r;
  r.headers = {{"content-type", "text/plain"}, {"X-Leadgate-Token", "a"}, {"x-leadgate-token", "b"}};
  EXPECT_EQ(r.header("content-type"), "text/plain");
  EXPECT_EQ(r.header("x-leadgate-token"), "a");
  EXPECT_FALSE(r.header("referer"));
  EXPECT_FALSE(r.header("content-typ"));
}

}  // namespace
}  // namespace lg::adapters
