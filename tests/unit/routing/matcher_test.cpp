#include "routing/matcher.hpp"

#include <gtest/gtest.h>

namespace lg::routing {
namespace {

using json = nlohmann::json;

rule_set rules_from(const char* text) {
  auto r = parse_rules(json::parse(text));
  if (!r) throw std::runtime_error(r.error().front());
  return *r;
}

core::lead_event sample() {
  core::lead_event e;
  e.source = "website";
  e.chan = core::channel::web_form;
  e.contact.full_name = "Nguyễn Thị Lan";
  e.contact.city = "Hà Nội";
  e.contact.phones = {"+84912345678", "+84391234567"};
  e.contact.emails = {"lan@example.com"};
  e.interest["program"] = "IELTS";
  e.campaign.utm["utm_source"] = "facebook";
  e.campaign.utm["utm_campaign"] = "ielts-t11";
  e.extra["called_number"] = "+842473001234";
  return e;
}

constexpr local_time monday_10am{10 * 60, 1};

struct match_case {
  const char* name;
  const char* condition;  // one leaf or group, as JSON
  bool expected;
  local_time now = monday_10am;
  bool returning = false;
};

class matcher_ops : public testing::TestWithParam<match_case> {};

TEST_P(matcher_ops, evaluates_every_operator) {
  const auto& c = GetParam();
  std::string text = std::string(R"({"default_team":"d","rules":[{"name":"r","conditions":{"all":[)") + c.condition +
                     R"(]},"action":{"team":"t"}}]})";
  auto rules = rules_from(text.c_str());
  auto ev = sample();
  lead_view lead{ev, c.returning, "", ""};
  auto d = decide(lead, rules, c.now);
  EXPECT_EQ(d.rule == "r", c.expected) << d.trace.at(0).reasons.at(0);
  EXPECT_EQ(d.action.team, c.expected ? "t" : "d");
}

INSTANTIATE_TEST_SUITE_P(
    table, matcher_ops,
    testing::Values(
        match_case{"channel_in", R"({"field":"channel","op":"in","value":["zalo","web_form"]})", true},
        match_case{"channel_not_in", R"({"field":"channel","op":"not_in","value":["zalo"]})", true},
        match_case{"channel_in_miss", R"({"field":"channel","op":"in","value":["zalo","hotline"]})", false},
        match_case{"source_equals", R"({"field":"source","op":"equals","value":"website"})", true},
        match_case{"source_not_equals", R"({"field":"source","op":"not_equals","value":"website"})", false},
        match_case{"utm_equals", R"({"field":"campaign.utm_campaign","op":"equals","value":"ielts-t11"})", true},
        match_case{"utm_regex", R"({"field":"campaign.utm_campaign","op":"regex","value":"^IELTS-"})", true},  // icase
        match_case{"utm_regex_miss", R"({"field":"campaign.utm_campaign","op":"regex","value":"^kids"})", false},
        match_case{"utm_missing_exists", R"({"field":"campaign.utm_term","op":"exists"})", false},
        match_case{"utm_missing_not_exists", R"({"field":"campaign.utm_term","op":"not_exists"})", true},
        match_case{"city_folded_ascii", R"({"field":"contact.city","op":"equals","value":"Ha Noi"})", true},
        match_case{"city_folded_case", R"({"field":"contact.city","op":"in","value":["HÀ NỘI","Đà Nẵng"]})", true},
        match_case{"city_other", R"({"field":"contact.city","op":"equals","value":"Hải Phòng"})", false},
        match_case{"program_in_folded", R"({"field":"interest.program","op":"in","value":["ielts","toeic"]})", true},
        match_case{"any_phone_matches", R"({"field":"contact.phone","op":"equals","value":"+84391234567"})", true},
        match_case{"email_exists", R"({"field":"contact.email","op":"exists"})", true},
        match_case{"extra_called_number", R"({"field":"extra.called_number","op":"in","value":["+842473001234"]})", true},
        match_case{"returning_true", R"({"field":"returning","op":"equals","value":true})", true, monday_10am, true},
        match_case{"returning_false", R"({"field":"returning","op":"equals","value":true})", false, monday_10am, false},
        match_case{"office_hours_in", R"({"field":"time_of_day","op":"between","value":["08:00","17:30"]})", true},
        match_case{"office_hours_end_exclusive", R"({"field":"time_of_day","op":"between","value":["08:00","17:30"]})", false, {17 * 60 + 30, 1}},
        match_case{"night_before_midnight", R"({"field":"time_of_day","op":"between","value":["22:00","06:00"]})", true, {23 * 60 + 59, 3}},
        match_case{"night_after_midnight", R"({"field":"time_of_day","op":"between","value":["22:00","06:00"]})", true, {0, 4}},
        match_case{"night_at_noon", R"({"field":"time_of_day","op":"between","value":["22:00","06:00"]})", false, {12 * 60, 4}},
        match_case{"weekend", R"({"field":"day_of_week","op":"in","value":["sat","sun"]})", true, {10 * 60, 7}},
        match_case{"weekday_not_weekend", R"({"field":"day_of_week","op":"in","value":["sat","Sunday"]})", false},
        match_case{"nested_any_one_holds", R"({"any":[{"field":"channel","op":"equals","value":"zalo"},{"field":"source","op":"equals","value":"website"}]})", true},
        match_case{"nested_any_none", R"({"any":[{"field":"channel","op":"equals","value":"zalo"},{"field":"source","op":"equals","value":"x"}]})", false},
        match_case{"nested_all_one_fails", R"({"all":[{"field":"channel","op":"equals","value":"web_form"},{"field":"source","op":"equals","value":"x"}]})", false}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(matcher, first_enabled_match_wins_and_disabled_rules_are_skipped) {
  auto rules = rules_from(R"({"default_team":"d","rules":[
    {"name":"off","enabled":false,"action":{"team":"x"}},
    {"name":"zalo","conditions":{"all":[{"field":"channel","op":"equals","value":"zalo"}]},"action":{"team":"z"}},
    {"name":"all","action":{"team":"a","strategy":"least_loaded","tags":["web"],"priority":"high","sla_minutes":5}},
    {"name":"later","action":{"team":"l"}}]})");
  auto ev = sample();
  auto d = decide({ev}, rules, monday_10am);
  EXPECT_EQ(d.rule, "all");
  EXPECT_EQ(d.action.team, "a");
  EXPECT_EQ(d.action.strategy, strategy::least_loaded);
  EXPECT_EQ(d.action.sla_minutes, 5);
  ASSERT_EQ(d.trace.size(), 3u);  // stops at the match
  EXPECT_EQ(d.trace[0].reasons.at(0), "disabled");
  EXPECT_FALSE(d.trace[1].matched);
  EXPECT_EQ(d.trace[1].reasons.at(0), "channel equals [zalo]: got [web_form] → no");

  auto full = decide({ev}, rules, monday_10am, true);
  EXPECT_EQ(full.rule, "all");
  EXPECT_EQ(full.trace.size(), 4u);  // the dry-run sees every rule
  EXPECT_TRUE(full.trace[3].matched);
}

TEST(matcher, default_team_when_nothing_matches) {
  auto rules = rules_from(R"({"default_team":"d","default_action":{"strategy":"claim"},"rules":[
    {"name":"zalo","conditions":{"all":[{"field":"channel","op":"equals","value":"zalo"}]},"action":{"team":"z"}}]})");
  auto ev = sample();
  auto d = decide({ev}, rules, monday_10am);
  EXPECT_EQ(d.rule, "default");
  EXPECT_EQ(d.action.team, "d");
  EXPECT_EQ(d.action.strategy, strategy::claim);
}

TEST(matcher, local_time_in_the_tenant_zone_crosses_day_boundaries) {
  // 2026-11-22T17:30:00Z is Monday 00:30 in Ho Chi Minh City (UTC+7), still Sunday in UTC.
  const long long instant = 1795368600000LL;
  auto hcm = to_local(instant, "Asia/Ho_Chi_Minh");
  EXPECT_EQ(hcm.minute_of_day, 30);
  EXPECT_EQ(hcm.iso_weekday, 1);
  auto utc = to_local(instant, "UTC");
  EXPECT_EQ(utc.minute_of_day, 17 * 60 + 30);
  EXPECT_EQ(utc.iso_weekday, 7);
}

}  // namespace
}  // namespace lg::routing
