#include "routing/assign_plan.hpp"

#include <gtest/gtest.h>

#include <map>

namespace lg::routing {
namespace {

using json = nlohmann::json;

member parse_member(const char* text) {
  auto teams = parse_teams(json::parse(std::string(R"([{"id":"t","members":[)") + text + "]}]"));
  EXPECT_TRUE(teams) << (teams ? "" : teams.error().front());
  return teams->at(0).members.at(0);
}

TEST(assign_strategy, hours_encoding_always_available_is_empty) {
  EXPECT_EQ(encode_hours(parse_member(R"({"id":"a"})")), "");
}

TEST(assign_strategy, hours_encoding_lists_every_day_monday_first) {
  auto m = parse_member(
      R"({"id":"a","working_hours":{"mon":["08:00-12:00","13:30-17:30"],"wed":["09:00-10:00"],"sun":["22:00-06:00"]}})");
  EXPECT_EQ(encode_hours(m), "480-720,810-1050;;540-600;;;;1320-360");
}

TEST(assign_strategy, hours_encoding_of_no_day_at_all_is_never) {
  // working_hours given but empty: never on duty, which must not read as "always" ("").
  auto m = parse_member(R"({"id":"a","working_hours":{}})");
  ASSERT_FALSE(m.always_available);
  EXPECT_EQ(encode_hours(m), ";;;;;;");
}

TEST(assign_strategy, smooth_wrr_is_exact_per_cycle_and_interleaved) {
  const std::vector<int> w{1, 1, 2, 3, 3};
  std::vector<long long> cur;
  std::vector<std::size_t> seq;
  for (int i = 0; i < 10; ++i) seq.push_back(smooth_wrr_pick(cur, w));
  std::map<std::size_t, int> n;
  for (auto s : seq) ++n[s];
  EXPECT_EQ(n[0], 1);
  EXPECT_EQ(n[1], 1);
  EXPECT_EQ(n[2], 2);
  EXPECT_EQ(n[3], 3);
  EXPECT_EQ(n[4], 3);
  // Interleaved: no member twice in a row within a cycle for these weights.
  for (std::size_t i = 1; i < seq.size(); ++i) EXPECT_NE(seq[i], seq[i - 1]) << "at " << i;
  // The state returns to zero after a full cycle.
  for (auto c : cur) EXPECT_EQ(c, 0);
}

TEST(assign_strategy, smooth_wrr_ten_thousand_within_two_percent) {
  const std::vector<int> w{1, 1, 2, 3, 3};
  std::vector<long long> cur;
  std::vector<int> n(w.size());
  for (int i = 0; i < 10000; ++i) ++n[smooth_wrr_pick(cur, w)];
  for (std::size_t i = 0; i < w.size(); ++i) {
    double share = 10000.0 * w[i] / 10.0;
    EXPECT_NEAR(n[i], share, share * 0.02) << "member " << i;
  }
}

TEST(assign_strategy, smooth_wrr_single_member_always_wins) {
  std::vector<long long> cur;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(smooth_wrr_pick(cur, {4}), 0u);
}

}  // namespace
}  // namespace lg::routing
