#include "routing/rules.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace lg::routing {
namespace {

using json = nlohmann::json;

std::vector<std::string> problems_of(const json& j, const std::vector<std::string>& teams = {}) {
  auto r = parse_rules(j, teams);
  return r ? std::vector<std::string>{} : r.error();
}

// True when some problem is `s`, or starts with it (for messages that end in a library's text).
bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& p) { return p == s || (s.ends_with(": ") && p.starts_with(s)); });
}

TEST(rules, parses_a_full_rule_set) {
  auto r = parse_rules(json::parse(R"({
    "default_team": "hn-1",
    "rules": [
      {"name": "zalo-hcm", "conditions": {"all": [
          {"field": "channel", "op": "in", "value": ["zalo", "facebook_messenger"]},
          {"any": [{"field": "contact.city", "op": "equals", "value": "Hồ Chí Minh"},
                   {"field": "interest.campus", "op": "regex", "value": "^q[0-9]+$"}]}]},
       "action": {"team": "hcm-1", "strategy": "weighted_round_robin", "tags": ["hot"], "priority": "high", "sla_minutes": 15}},
      {"name": "night", "enabled": false, "conditions": {"all": [{"field": "time_of_day", "op": "between", "value": ["22:00", "06:00"]}]},
       "action": {"team": "night", "strategy": "claim"}}
    ]})"));
  ASSERT_TRUE(r) << r.error().front();
  EXPECT_EQ(r->default_team, "hn-1");
  ASSERT_EQ(r->rules.size(), 2u);
  EXPECT_EQ(r->rules[0].when.leaves.size(), 1u);
  ASSERT_EQ(r->rules[0].when.groups.size(), 1u);
  EXPECT_TRUE(r->rules[0].when.groups[0].any);
  EXPECT_EQ(r->rules[0].when.groups[0].leaves[0].values[0], "ho chi minh");  // folded at load
  EXPECT_EQ(r->rules[0].then.strategy, strategy::weighted_round_robin);
  EXPECT_EQ(r->rules[0].then.sla_minutes, 15);
  EXPECT_FALSE(r->rules[1].enabled);
}

struct bad_case {
  const char* name;
  const char* rules_json;
  const char* expected_problem;
};

class rules_validation : public testing::TestWithParam<bad_case> {};

TEST_P(rules_validation, names_the_path_and_the_reason) {
  const auto& c = GetParam();
  auto problems = problems_of(json::parse(c.rules_json), {"hn-1", "hn-2"});
  EXPECT_TRUE(has(problems, c.expected_problem)) << "got: " << (problems.empty() ? "(none)" : problems.front());
}

#define RULE(conds) R"({"default_team":"hn-1","rules":[{"name":"a","action":{"team":"hn-1"}},{"name":"b","conditions":)" conds R"(,"action":{"team":"hn-1"}}]})"

INSTANTIATE_TEST_SUITE_P(
    table, rules_validation,
    testing::Values(
        bad_case{"unknown_op", RULE(R"({"any":[{"field":"channel","op":"in","value":["zalo"]},{"field":"source","op":"contains_any","value":["x"]}]})"),
                 "rules[1].conditions.any[1].op: unknown operator 'contains_any'"},
        bad_case{"unknown_field", RULE(R"({"all":[{"field":"colour","op":"equals","value":"red"}]})"),
                 "rules[1].conditions.all[0].field: unknown field 'colour'"},
        bad_case{"both_all_any", RULE(R"({"all":[],"any":[]})"), "rules[1].conditions: needs exactly one of 'all' or 'any'"},
        bad_case{"too_deep", RULE(R"({"all":[{"any":[{"all":[{"field":"source","op":"exists"}]}]}]})"),
                 "rules[1].conditions.all[0].any[0]: groups nest one level only"},
        bad_case{"bad_regex", RULE(R"({"all":[{"field":"source","op":"regex","value":"(unclosed"}]})"),
                 "rules[1].conditions.all[0].value: not a valid regular expression: "},
        bad_case{"between_bad", RULE(R"({"all":[{"field":"time_of_day","op":"between","value":["25:00","06:00"]}]})"),
                 "rules[1].conditions.all[0].value: 'between' takes [\"HH:MM\", \"HH:MM\"]"},
        bad_case{"between_wrong_field", RULE(R"({"all":[{"field":"source","op":"between","value":["08:00","09:00"]}]})"),
                 "rules[1].conditions.all[0].op: 'between' applies to time_of_day only"},
        bad_case{"bad_day", RULE(R"({"all":[{"field":"day_of_week","op":"in","value":["mon","someday"]}]})"),
                 "rules[1].conditions.all[0].value[1]: not a day of the week (mon..sun)"},
        bad_case{"in_needs_list", RULE(R"({"all":[{"field":"source","op":"in","value":[]}]})"),
                 "rules[1].conditions.all[0].value: operator 'in' takes a non-empty list"},
        bad_case{"missing_value", RULE(R"({"all":[{"field":"source","op":"equals"}]})"),
                 "rules[1].conditions.all[0].value: required for operator 'equals'"},
        bad_case{"unknown_team", R"({"default_team":"hn-1","rules":[{"name":"a","action":{"team":"hn-9"}}]})",
                 "rules[0].action.team: unknown team 'hn-9'"},
        bad_case{"bad_strategy", R"({"default_team":"hn-1","rules":[{"name":"a","action":{"team":"hn-1","strategy":"random"}}]})",
                 "rules[0].action.strategy: unknown strategy 'random'"},
        bad_case{"duplicate_name", R"({"default_team":"hn-1","rules":[{"name":"a","action":{"team":"hn-1"}},{"name":"a","action":{"team":"hn-2"}}]})",
                 "rules[1].name: duplicate rule name 'a'"},
        bad_case{"no_action", R"({"default_team":"hn-1","rules":[{"name":"a"}]})", "rules[0].action: required"},
        bad_case{"sla_range", R"({"default_team":"hn-1","rules":[{"name":"a","action":{"team":"hn-1","sla_minutes":-5}}]})",
                 "rules[0].action.sla_minutes: must be an integer from 0 to 10080"},
        bad_case{"no_default", R"({"rules":[]})", "default_team: required non-empty string"},
        bad_case{"unknown_key", R"({"default_team":"hn-1","rulez":[]})", "rulez: unknown key"},
        bad_case{"op_not_a_string", RULE(R"({"all":[{"field":"source","op":5,"value":"x"}]})"),
                 "rules[1].conditions.all[0].op: must be a string"},
        bad_case{"default_action_not_object", R"({"default_team":"hn-1","default_action":"fast","rules":[]})",
                 "default_action: must be an object"}),
    [](const auto& p) { return std::string(p.param.name); });

TEST(rules, reports_every_problem_at_once) {
  auto problems = problems_of(json::parse(R"({"default_team":"hn-1","rules":[
      {"name":"a","conditions":{"all":[{"field":"x","op":"equals","value":"1"}]},"action":{"team":"hn-1"}},
      {"name":"b","action":{"team":"hn-1","priority":"whenever"}}]})"));
  EXPECT_EQ(problems.size(), 2u);
}

}  // namespace
}  // namespace lg::routing
