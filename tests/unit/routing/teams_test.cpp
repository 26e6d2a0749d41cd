#include "routing/teams.hpp"

#include <gtest/gtest.h>

namespace lg::routing {
namespace {

using json = nlohmann::json;

const char* sample_teams = R"([
  {"id":"hn-1","name":"Hà Nội - Cầu Giấy","fallback_team":"hn-2","members":[
     {"id":"lan","name":"Lan","crm_user_id":"u-17","weight":2,"capacity":20,
      "working_hours":{"mon":["08:00-12:00","13:30-17:30"],"sat":["22:00-06:00"]}},
     {"id":"minh","state":"away"}]},
  {"id":"hn-2","members":[{"id":"an"}]}])";

TEST(teams, parse_and_round_trip) {
  auto teams = parse_teams(json::parse(sample_teams));
  ASSERT_TRUE(teams) << teams.error().front();
  ASSERT_EQ(teams->size(), 2u);
  const auto& t = teams->at(0);
  EXPECT_EQ(t.name, "Hà Nội - Cầu Giấy");
  EXPECT_EQ(t.fallback_team, "hn-2");
  ASSERT_NE(t.find("lan"), nullptr);
  EXPECT_EQ(t.find("lan")->weight, 2);
  EXPECT_EQ(t.find("lan")->capacity, 20);
  EXPECT_EQ(t.find("nobody"), nullptr);
  auto again = parse_teams(json::array({to_json(teams->at(0)), to_json(teams->at(1))}));
  ASSERT_TRUE(again);
  EXPECT_EQ(to_json(again->at(0)), to_json(teams->at(0)));
}

TEST(teams, on_duty_follows_state_and_working_hours) {
  auto teams = parse_teams(json::parse(sample_teams));
  ASSERT_TRUE(teams);
  const auto& lan = *teams->at(0).find("lan");
  const auto& minh = *teams->at(0).find("minh");
  const auto& an = *teams->at(1).find("an");
  EXPECT_TRUE(on_duty(lan, {9 * 60, 1}));        // Monday 09:00
  EXPECT_FALSE(on_duty(lan, {12 * 60 + 30, 1}));  // lunch
  EXPECT_TRUE(on_duty(lan, {13 * 60 + 30, 1}));
  EXPECT_FALSE(on_duty(lan, {17 * 60 + 30, 1}));  // end is exclusive
  EXPECT_FALSE(on_duty(lan, {9 * 60, 2}));        // Tuesday: day off
  EXPECT_TRUE(on_duty(lan, {23 * 60, 6}));        // Saturday night shift
  EXPECT_TRUE(on_duty(lan, {5 * 60, 7}));         // ... runs into Sunday morning
  EXPECT_FALSE(on_duty(lan, {7 * 60, 7}));
  EXPECT_FALSE(on_duty(minh, {9 * 60, 1}));       // away
  EXPECT_TRUE(on_duty(an, {3 * 60, 3}));          // no hours: always
}

TEST(teams, validation_names_path_and_reason) {
  auto bad = parse_teams(json::parse(R"([
    {"id":"HN 1","members":[]},
    {"id":"hn-2","fallback_team":"nowhere","members":[
       {"id":"a","weight":0},{"id":"a"},{"id":"b","state":"asleep","working_hours":{"mon":["8-12"],"someday":[]}}]}])"));
  ASSERT_FALSE(bad);
  const std::vector<std::string> expected{
      "teams[0].id: required: lower-case letters, digits, '_', '.', '-' (at most 64)",
      "teams[1].members[0].weight: must be an integer from 1 to 1000",
      "teams[1].members[1].id: duplicate member 'a'",
      "teams[1].members[2].state: must be 'active' or 'away'",
      "teams[1].members[2].working_hours.mon[0]: not a time range HH:MM-HH:MM",
      "teams[1].members[2].working_hours.someday: not a day (mon..sun)",
      "teams[1].fallback_team: unknown team 'nowhere'"};
  EXPECT_EQ(bad.error(), expected);
}

// Wrong JSON types are problems with their path, never exceptions (the admin API sends what
// clients wrote).
TEST(teams, wrong_types_are_problems) {
  auto bad = parse_teams(json::parse(R"([{"id":7,"name":["x"],"members":[{"id":"a","crm_user_id":1,"state":false}]}])"));
  ASSERT_FALSE(bad);
  const std::vector<std::string> expected{
      "teams[0].id: must be a string",
      "teams[0].id: required: lower-case letters, digits, '_', '.', '-' (at most 64)",
      "teams[0].name: must be a string",
      "teams[0].members[0].crm_user_id: must be a string",
      "teams[0].members[0].state: must be a string"};
  EXPECT_EQ(bad.error(), expected);
}

// One team alone: paths relative to it, and its fallback is left to the caller to check.
TEST(teams, parse_team_alone) {
  auto t = parse_team(json::parse(R"({"id":"hn-1","fallback_team":"hn-2","members":[{"id":"lan","weight":3}]})"));
  ASSERT_TRUE(t) << t.error().front();
  EXPECT_EQ(t->fallback_team, "hn-2");
  EXPECT_EQ(t->find("lan")->weight, 3);
  EXPECT_EQ(to_json(*t)["fallback_team"], "hn-2");

  auto bad = parse_team(json::parse(R"({"id":"hn-1","members":[{"id":"lan","weight":0}]})"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), std::vector<std::string>{"members[0].weight: must be an integer from 1 to 1000"});
  EXPECT_EQ(parse_team(json::parse(R"({"id":"hn-1","fallback_team":3})")).error(),
            std::vector<std::string>{"fallback_team: must be a string"});
  EXPECT_EQ(parse_team(json::array()).error(), std::vector<std::string>{"team: must be an object"});
}

}  // namespace
}  // namespace lg::routing
