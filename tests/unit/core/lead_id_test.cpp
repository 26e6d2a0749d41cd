// lead_id.cpp: shape, time order and uniqueness.
#include "core/lead_id.hpp"

#include <gtest/gtest.h>

#include <set>

namespace lg::core {
namespace {

TEST(LeadId, Shape) {
  const auto id = new_lead_id();
  EXPECT_EQ(id.size(), 29u);
  EXPECT_TRUE(id.starts_with("ld_"));
  EXPECT_TRUE(is_lead_id(id)) << id;
  EXPECT_EQ(id.find_first_of("ILOU"), std::string::npos);
}

TEST(LeadId, RejectsOtherShapes) {
  EXPECT_FALSE(is_lead_id(""));
  EXPECT_FALSE(is_lead_id("ld_"));
  EXPECT_FALSE(is_lead_id("xx_01ARZ3NDEKTSV4RRFFQ69G5FAV"));
  EXPECT_FALSE(is_lead_id("ld_81ARZ3NDEKTSV4RRFFQ69G5FAV"));  // first char carries 3 bits
  EXPECT_FALSE(is_lead_id("ld_01ARZ3NDEKTSV4RRFFQ69G5FAU"));  // U is not Crockford
}

TEST(LeadId, SortsByTime) {
  using namespace std::chrono;
  const auto t = system_clock::time_point(milliseconds(1'700'000'000'000));
  const auto a = new_lead_id(t);
  const auto b = new_lead_id(t + milliseconds(1));
  const auto c = new_lead_id(t + hours(24 * 365));
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  // The first 10 characters are the timestamp: equal times share them.
  EXPECT_EQ(new_lead_id(t).substr(0, 13), a.substr(0, 13));
}

TEST(LeadId, Unique) {
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) seen.insert(new_lead_id());
  EXPECT_EQ(seen.size(), 20000u);
}

}  // namespace
}  // namespace lg::core
