// Teams (usually one per branch/center) and their members, as admins define them: the config
// seeds them, the admin API edits them. Pure model + validation + the availability test the
// assignment strategies use (state, working hours in the tenant's zone, capacity).
#pragma once

#include "routing/matcher.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <expected>
#include <string>
#include <vector>

namespace lg::routing {

// Minutes since local midnight, [from, to); to < from crosses midnight.
struct time_window {
  int from = 0;
  int to = 24 * 60;
};

struct member {
  std::string id;
  std::string name;
  std::string crm_user_id;  // assigned_user_id in the CRM
  int weight = 1;           // weighted round robin share
  int capacity = 0;         // open leads at most; 0: unlimited
  bool active = true;       // state: active or away
  // Working hours per ISO weekday (index 0 = Monday); an empty day is a day off.
  // No working_hours in the JSON: always available.
  std::array<std::vector<time_window>, 7> hours;
  bool always_available = true;
};

struct team {
  std::string id;
  std::string name;
  std::string fallback_team;  // SLA escalation target; empty: none
  std::vector<member> members;

  const member* find(std::string_view member_id) const;
};

// {"teams":[{"id","name","fallback_team","members":[{"id","name","crm_user_id","weight",
//   "capacity","state","working_hours":{"mon":["08:00-12:00","13:30-17:30"],...}}]}]}
// Problems come back as "teams[1].members[0].working_hours.mon[1]: not a time range HH:MM-HH:MM".
std::expected<std::vector<team>, std::vector<std::string>> parse_teams(const nlohmann::json& j,
                                                                        const std::string& path = "teams");
// One team alone, the admin API's unit of edit: validated as parse_teams does, with paths
// relative to the team ("members[1].weight: …"). fallback_team must be a string; whether it
// names a team is the caller's check, who knows the other teams.
std::expected<team, std::vector<std::string>> parse_team(const nlohmann::json& j);
nlohmann::json to_json(const team& t);

// Inside working hours at `now` (and active). Capacity is checked by the caller, who knows the load.
bool on_duty(const member& m, const local_time& now) noexcept;

}  // namespace lg::routing
