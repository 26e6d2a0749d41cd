// store/queues.hpp pure parts: duty from encoded working hours (as assign.lua reads them) and
// the queues view parsed from the script's JSON.
#include "store/queues.hpp"

#include <gtest/gtest.h>

namespace lg::store {
namespace {

clock_point at(int iso_weekday, int minute) {
  clock_point c;
  c.iso_weekday = iso_weekday;
  c.minute_of_day = minute;
  return c;
}

TEST(EncodedOnDuty, Table) {
  struct row {
    const char* hours;
    int wday;
    int minute;
    bool on;
  };
  const row rows[] = {
      {"", 3, 17, true},                              // always
      {"480-720,810-1050;;;;;;", 1, 480, true},        // Monday morning, start included
      {"480-720,810-1050;;;;;;", 1, 720, false},       // end excluded
      {"480-720,810-1050;;;;;;", 1, 800, false},       // lunch
      {"480-720,810-1050;;;;;;", 1, 1049, true},
      {"480-720,810-1050;;;;;;", 2, 600, false},       // Tuesday off
      {";;;;;;1320-120", 7, 1330, true},               // Sunday night shift
      {";;;;;;1320-120", 1, 60, true},                 // ... into Monday
      {";;;;;;1320-120", 1, 120, false},
      {";;;;;;1320-120", 7, 60, false},                // Sunday early: Saturday had no shift
      {"1320-120;;;;;;", 2, 100, true},                // Monday night into Tuesday
      {"0-1440;0-1440;0-1440;0-1440;0-1440;;", 6, 10, false},
      {"0-1440;0-1440;0-1440;0-1440;0-1440;;", 5, 1439, true},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(encoded_on_duty(r.hours, at(r.wday, r.minute)), r.on)
        << "'" << r.hours << "' weekday " << r.wday << " minute " << r.minute;
  }
}

TEST(ParseQueues, TeamsMembersAndOldest) {
  const std::string text = R"({"teams_total":3,"teams":[
    {"id":"hn","fb":"hq","backlog":2,"backlog_oldest":5000,"claim":1,"claim_oldest":4000,"qlen":9,
     "members_total":2,"members":[
       {"id":"an","n":"An","crm":"u1","w":2,"cap":3,"st":"active","h":"","open":3},
       {"id":"binh","n":"Binh","crm":"u2","w":1,"cap":0,"st":"active","h":";;;;;;","open":1}]},
    {"id":"hcm","fb":"","backlog":0,"backlog_oldest":-1,"claim":0,"claim_oldest":-1,"qlen":0,
     "members_total":0,"members":{}}]})";
  auto v = parse_queues(text, at(1, 600));
  ASSERT_TRUE(v.has_value()) << v.error().message;
  EXPECT_EQ(v->teams_total, 3u);
  ASSERT_EQ(v->teams.size(), 2u);
  const auto& hn = v->teams[0];
  EXPECT_EQ(hn.fallback_team, "hq");
  EXPECT_EQ(hn.backlog, 2);
  EXPECT_EQ(hn.claim_waiting, 1);
  EXPECT_EQ(hn.oldest_waiting_ms, 4000);  // the older of backlog and claim queue
  EXPECT_EQ(hn.stream_length, 9);
  ASSERT_EQ(hn.members.size(), 2u);
  EXPECT_TRUE(hn.members[0].on_duty);
  EXPECT_FALSE(hn.members[0].available);  // full: 3 of 3
  EXPECT_FALSE(hn.members[1].on_duty);    // no working day
  EXPECT_FALSE(hn.members[1].available);
  EXPECT_EQ(v->teams[1].oldest_waiting_ms, -1);
  EXPECT_TRUE(v->teams[1].members.empty());
}

TEST(ParseQueues, GarbageIsAnError) { EXPECT_FALSE(parse_queues("not json", at(1, 0)).has_value()); }

}  // namespace
}  // namespace lg::store
