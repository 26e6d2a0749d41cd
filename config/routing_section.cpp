// The "teams" and "routing" sections: the seed of the routing store. Both are validated by
// routing/ (the one definition of a valid rule or team), and rules may name only configured
// teams. The JSON is kept as written too, since the rule store is seeded from it.
#include "config/build.hpp"

namespace lg::config::detail {

void read_teams_and_routing(const json& j, json_reader& r, config& c) {
  std::vector<std::string> team_ids;
  if (const auto it = j.find("teams"); it != j.end()) {
    if (!it->is_array()) {
      r.add("teams", "must be an array");
    } else {
      auto teams = routing::parse_teams(*it, "teams");
      if (!teams) {
        for (auto& line : teams.error()) r.add_line(std::move(line));
        // Rules are still checked against the team ids that were written.
        for (const auto& t : *it)
          if (t.is_object() && t.contains("id") && t["id"].is_string()) team_ids.push_back(t["id"].get<std::string>());
      } else {
        c.teams = std::move(*teams);
        c.teams_json = *it;
        for (const auto& t : c.teams) team_ids.push_back(t.id);
      }
    }
  }
  if (const auto it = j.find("routing"); it != j.end()) {
    if (!it->is_object()) {
      r.add("routing", "must be an object {\"default_team\":…, \"rules\":[…]}");
      return;
    }
    auto rules = routing::parse_rules(*it, team_ids);
    if (!rules) {
      for (auto& line : rules.error()) r.add_line("routing." + line);
      return;
    }
    c.routing = std::move(*rules);
    c.routing_json = *it;
  } else if (!c.teams.empty()) {
    // Teams without rules: every lead goes to the first team.
    c.routing.default_team = c.teams.front().id;
    c.routing.default_action.team = c.routing.default_team;
    c.routing_json = nlohmann::json{{"default_team", c.routing.default_team}, {"rules", nlohmann::json::array()}};
  }
}

}  // namespace lg::config::detail
