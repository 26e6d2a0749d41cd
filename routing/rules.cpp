// Parsing and validation of rule sets. Every problem is collected with its JSON path so an
// admin sees all of them at once, not one per attempt.
#include "routing/rules.hpp"

#include "core/normalize.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

namespace lg::routing {
namespace {

using json = nlohmann::json;

constexpr std::array<std::pair<std::string_view, op>, 8> op_names{{
    {"equals", op::equals}, {"not_equals", op::not_equals}, {"in", op::in}, {"not_in", op::not_in},
    {"regex", op::regex}, {"exists", op::exists}, {"not_exists", op::not_exists}, {"between", op::between}}};

constexpr std::array<std::pair<std::string_view, strategy>, 4> strategy_names{{
    {"round_robin", strategy::round_robin}, {"weighted_round_robin", strategy::weighted_round_robin},
    {"least_loaded", strategy::least_loaded}, {"claim", strategy::claim}}};

constexpr std::array<std::string_view, 7> weekdays{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

struct parser {
  const std::vector<std::string>& known_teams;
  std::vector<std::string> problems;

  void fail(const std::string& path, const std::string& why) { problems.push_back(path + ": " + why); }

  static bool known_field(std::string_view f) {
    static const std::set<std::string_view> plain{"channel", "source", "returning", "time_of_day", "day_of_week"};
    static const std::set<std::string_view> campaign{"utm_source", "utm_medium", "utm_campaign", "utm_term",
                                                     "utm_content", "page_url", "referrer"};
    if (plain.contains(f)) return true;
    auto dot = f.find('.');
    if (dot == std::string_view::npos || dot + 1 == f.size()) return false;
    auto head = f.substr(0, dot), tail = f.substr(dot + 1);
    if (head == "campaign") return campaign.contains(tail);
    return head == "contact" || head == "interest" || head == "extra";
  }

  static bool folded_field(std::string_view f) { return f.starts_with("contact.") || f.starts_with("interest."); }

  static bool parse_hhmm(const std::string& s) {
    int h = -1, m = -1;
    char extra = 0;
    return s.size() == 5 && std::sscanf(s.c_str(), "%2d:%2d%c", &h, &m, &extra) == 2 && h >= 0 && h <= 24 &&
           m >= 0 && m < 60 && (h < 24 || m == 0);
  }

  // Scalars become strings: "true"/"false" for booleans, numbers as written.
  static std::optional<std::string> scalar(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    if (v.is_number()) return v.dump();
    return std::nullopt;
  }

  std::optional<condition> leaf(const json& j, const std::string& path) {
    condition c;
    const auto before = problems.size();
    if (!j.contains("field") || !j["field"].is_string()) {
      fail(path + ".field", "required string");
      return std::nullopt;
    }
    c.field = j["field"].get<std::string>();
    if (!known_field(c.field)) fail(path + ".field", "unknown field '" + c.field + "'");
    c.folded = folded_field(c.field);

    if (j.contains("op") && !j["op"].is_string()) {
      fail(path + ".op", "must be a string");
      return std::nullopt;
    }
    const std::string op_name = j.value("op", std::string("equals"));
    auto it = std::find_if(op_names.begin(), op_names.end(), [&](auto& p) { return p.first == op_name; });
    if (it == op_names.end()) {
      fail(path + ".op", "unknown operator '" + op_name + "'");
      return std::nullopt;
    }
    c.op = it->second;

    const bool needs_value = c.op != op::exists && c.op != op::not_exists;
    if (needs_value && !j.contains("value")) {
      fail(path + ".value", "required for operator '" + op_name + "'");
      return std::nullopt;
    }
    if (needs_value) {
      const json& v = j["value"];
      if (v.is_array()) {
        for (std::size_t i = 0; i < v.size(); ++i) {
          auto s = scalar(v[i]);
          if (!s) fail(path + ".value[" + std::to_string(i) + "]", "must be a string, number or boolean");
          else c.values.push_back(*s);
        }
      } else if (auto s = scalar(v)) {
        c.values.push_back(*s);
      } else {
        fail(path + ".value", "must be a string, number, boolean or an array of them");
      }
    }

    switch (c.op) {
      case op::equals: case op::not_equals: case op::regex:
        if (c.values.size() != 1) fail(path + ".value", "operator '" + op_name + "' takes one value");
        break;
      case op::in: case op::not_in:
        if (c.values.empty()) fail(path + ".value", "operator '" + op_name + "' takes a non-empty list");
        break;
      case op::between:
        if (c.field != "time_of_day") fail(path + ".op", "'between' applies to time_of_day only");
        if (c.values.size() != 2 || !parse_hhmm(c.values[0]) || !parse_hhmm(c.values[1]))
          fail(path + ".value", "'between' takes [\"HH:MM\", \"HH:MM\"]");
        break;
      case op::exists: case op::not_exists:
        break;
    }
    if (c.field == "time_of_day" && c.op != op::between) fail(path + ".op", "time_of_day takes 'between'");
    if (c.field == "day_of_week") {
      for (std::size_t i = 0; i < c.values.size(); ++i) {
        auto& d = c.values[i];
        std::transform(d.begin(), d.end(), d.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        if (std::find(weekdays.begin(), weekdays.end(), d.substr(0, 3)) == weekdays.end() || (d.size() != 3 && d.size() > 9))
          fail(path + ".value[" + std::to_string(i) + "]", "not a day of the week (mon..sun)");
        else d = d.substr(0, 3);
      }
    }
    if (c.op == op::regex && c.values.size() == 1) {
      try {
        c.pattern = std::make_shared<const std::regex>(c.values[0], std::regex::ECMAScript | std::regex::icase);
      } catch (const std::regex_error& e) {
        fail(path + ".value", std::string("not a valid regular expression: ") + e.what());
      }
    }
    if (c.folded && c.op != op::regex)
      for (auto& v : c.values) v = core::fold_text(v);
    if (problems.size() != before) return std::nullopt;
    return c;
  }

  std::optional<condition_group> group(const json& j, const std::string& path, int depth) {
    if (!j.is_object()) {
      fail(path, "must be an object with 'all' or 'any'");
      return std::nullopt;
    }
    const bool has_all = j.contains("all"), has_any = j.contains("any");
    if (has_all == has_any) {
      fail(path, "needs exactly one of 'all' or 'any'");
      return std::nullopt;
    }
    condition_group g;
    g.any = has_any;
    const std::string key = has_any ? "any" : "all";
    const json& items = j[key];
    if (!items.is_array()) {
      fail(path + "." + key, "must be an array");
      return std::nullopt;
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string p = path + "." + key + "[" + std::to_string(i) + "]";
      const json& item = items[i];
      if (item.is_object() && (item.contains("all") || item.contains("any"))) {
        if (depth >= 1) {
          fail(p, "groups nest one level only");
          continue;
        }
        if (auto sub = group(item, p, depth + 1)) g.groups.push_back(std::move(*sub));
      } else if (item.is_object()) {
        if (auto c = leaf(item, p)) g.leaves.push_back(std::move(*c));
      } else {
        fail(p, "must be a condition object");
      }
    }
    return g;
  }

  void parse_action(const json& j, const std::string& path, action& a, bool team_required) {
    if (!j.is_object()) {
      fail(path, "must be an object");
      return;
    }
    if (j.contains("team")) {
      if (!j["team"].is_string() || j["team"].get<std::string>().empty()) fail(path + ".team", "must be a non-empty string");
      else a.team = j["team"].get<std::string>();
    } else if (team_required) {
      fail(path + ".team", "required");
    }
    if (!a.team.empty() && !known_teams.empty() &&
        std::find(known_teams.begin(), known_teams.end(), a.team) == known_teams.end())
      fail(path + ".team", "unknown team '" + a.team + "'");
    if (j.contains("strategy")) {
      const auto s = j["strategy"].is_string() ? j["strategy"].get<std::string>() : std::string();
      auto it = std::find_if(strategy_names.begin(), strategy_names.end(), [&](auto& p) { return p.first == s; });
      if (it == strategy_names.end()) fail(path + ".strategy", "unknown strategy '" + s + "'");
      else a.strategy = it->second;
    }
    if (j.contains("sticky_owner")) {
      if (!j["sticky_owner"].is_boolean()) fail(path + ".sticky_owner", "must be true or false");
      else a.sticky_owner = j["sticky_owner"].get<bool>();
    }
    if (j.contains("tags")) {
      if (!j["tags"].is_array()) fail(path + ".tags", "must be an array of strings");
      else
        for (std::size_t i = 0; i < j["tags"].size(); ++i) {
          if (!j["tags"][i].is_string()) fail(path + ".tags[" + std::to_string(i) + "]", "must be a string");
          else a.tags.push_back(j["tags"][i].get<std::string>());
        }
    }
    if (j.contains("priority")) {
      static const std::set<std::string> levels{"low", "normal", "high", "urgent"};
      const auto p = j["priority"].is_string() ? j["priority"].get<std::string>() : std::string();
      if (!levels.contains(p)) fail(path + ".priority", "must be one of low, normal, high, urgent");
      else a.priority = p;
    }
    if (j.contains("sla_minutes")) {
      if (!j["sla_minutes"].is_number_integer() || j["sla_minutes"].get<long long>() < 0 ||
          j["sla_minutes"].get<long long>() > 7 * 24 * 60)
        fail(path + ".sla_minutes", "must be an integer from 0 to 10080");
      else a.sla_minutes = j["sla_minutes"].get<int>();
    }
    static const std::set<std::string> keys{"team", "strategy", "sticky_owner", "tags", "priority", "sla_minutes"};
    for (auto& [k, v] : j.items())
      if (!keys.contains(k)) fail(path + "." + k, "unknown key");
  }
};

}  // namespace

std::string_view to_string(op o) noexcept {
  for (auto& [name, value] : op_names)
    if (value == o) return name;
  return "?";
}

std::string_view to_string(strategy s) noexcept {
  for (auto& [name, value] : strategy_names)
    if (value == s) return name;
  return "?";
}

std::expected<rule_set, std::vector<std::string>> parse_rules(const json& j, const std::vector<std::string>& known_teams) {
  parser p{known_teams, {}};
  rule_set set;
  if (!j.is_object()) return std::unexpected(std::vector<std::string>{"(root): must be an object"});

  if (!j.contains("default_team") || !j["default_team"].is_string() || j["default_team"].get<std::string>().empty()) {
    p.fail("default_team", "required non-empty string");
  } else {
    json def = j.value("default_action", json::object());
    if (!def.is_object()) {
      p.fail("default_action", "must be an object");
      def = json::object();
    }
    def["team"] = j["default_team"];
    p.parse_action(def, "default_action", set.default_action, true);
    set.default_team = set.default_action.team;
  }
  for (auto& [k, v] : j.items())
    if (k != "default_team" && k != "default_action" && k != "rules" && k != "version") p.fail(k, "unknown key");

  if (j.contains("rules")) {
    if (!j["rules"].is_array()) {
      p.fail("rules", "must be an array");
    } else {
      std::set<std::string> names;
      const json& rules = j["rules"];
      for (std::size_t i = 0; i < rules.size(); ++i) {
        const std::string path = "rules[" + std::to_string(i) + "]";
        const json& r = rules[i];
        if (!r.is_object()) {
          p.fail(path, "must be an object");
          continue;
        }
        rule out;
        if (!r.contains("name") || !r["name"].is_string() || r["name"].get<std::string>().empty()) {
          p.fail(path + ".name", "required non-empty string");
        } else {
          out.name = r["name"].get<std::string>();
          if (!names.insert(out.name).second) p.fail(path + ".name", "duplicate rule name '" + out.name + "'");
        }
        if (r.contains("enabled")) {
          if (!r["enabled"].is_boolean()) p.fail(path + ".enabled", "must be true or false");
          else out.enabled = r["enabled"].get<bool>();
        }
        if (r.contains("conditions"))
          if (auto g = p.group(r["conditions"], path + ".conditions", 0)) out.when = std::move(*g);
        if (!r.contains("action")) p.fail(path + ".action", "required");
        else p.parse_action(r["action"], path + ".action", out.then, true);
        for (auto& [k, v] : r.items())
          if (k != "name" && k != "enabled" && k != "conditions" && k != "action" && k != "description")
            p.fail(path + "." + k, "unknown key");
        set.rules.push_back(std::move(out));
      }
    }
  }
  if (!p.problems.empty()) return std::unexpected(std::move(p.problems));
  return set;
}

}  // namespace lg::routing
