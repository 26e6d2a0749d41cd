// The routing rules model: an ordered list of rules, each with conditions and an action, and a
// default team that catches what no rule matches. Parsed from JSON (config seed or the admin
// API) and validated with messages that name the path and the reason, e.g.
// "rules[4].conditions.any[1].op: unknown operator 'contains_any'".
#pragma once

#include <nlohmann/json.hpp>

#include <expected>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace lg::routing {

enum class op {
  equals, not_equals, in, not_in, regex, exists, not_exists,
  between,  // time_of_day only: "HH:MM".."HH:MM", may cross midnight
};

enum class strategy { round_robin, weighted_round_robin, least_loaded, claim };

// A leaf test on one field of the lead. `field` is a path:
//   channel, source, returning, time_of_day, day_of_week,
//   campaign.<utm_source|utm_medium|utm_campaign|utm_term|utm_content|page_url|referrer>,
//   contact.<full_name|family_name|given_name|city|address|phone|email>, interest.<key>, extra.<key>
struct condition {
  std::string field;
  routing::op op = op::equals;
  std::vector<std::string> values;  // equals/not_equals: one; in/not_in: many; between: two
  std::shared_ptr<const std::regex> pattern;  // op::regex, compiled once
  bool folded = false;  // compare NFC + folded (contact.city, contact.province, contact.address)
};

// all/any of conditions or of nested groups (one level of nesting).
struct condition_group {
  bool any = false;  // false: all must hold
  std::vector<condition> leaves;
  std::vector<condition_group> groups;
};

struct action {
  std::string team;
  routing::strategy strategy = strategy::round_robin;
  bool sticky_owner = true;  // a returning contact stays with its active owner
  std::vector<std::string> tags;
  std::string priority = "normal";  // low, normal, high, urgent
  int sla_minutes = 0;              // 0: no SLA
};

struct rule {
  std::string name;
  bool enabled = true;
  condition_group when;  // empty group: matches everything
  routing::action then;
};

struct rule_set {
  std::string default_team;
  routing::action default_action;  // team = default_team
  std::vector<rule> rules;
};

std::string_view to_string(op o) noexcept;
std::string_view to_string(strategy s) noexcept;

// Parses and validates a rule set ({"default_team":…, "rules":[…]}). Returns every problem as
// "path: reason" lines; known_teams (when non-empty) makes unknown team names an error.
std::expected<rule_set, std::vector<std::string>> parse_rules(const nlohmann::json& j,
                                                              const std::vector<std::string>& known_teams = {});

}  // namespace lg::routing
