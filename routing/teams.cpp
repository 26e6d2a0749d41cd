// Team and member parsing, validation and the on-duty test.
#include "routing/teams.hpp"

#include <cstdio>
#include <regex>
#include <set>

namespace lg::routing {
namespace {

using json = nlohmann::json;

constexpr std::array<const char*, 7> day_keys{"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

bool valid_id(const std::string& s) {
  static const std::regex re("^[a-z0-9][a-z0-9_.-]{0,63}$");
  return std::regex_match(s, re);
}

std::optional<time_window> parse_window(const std::string& s) {
  int h1, m1, h2, m2;
  char tail;
  if (s.size() != 11 || std::sscanf(s.c_str(), "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4) return std::nullopt;
  auto ok = [](int h, int m) { return h >= 0 && m >= 0 && m < 60 && (h < 24 || (h == 24 && m == 0)); };
  if (!ok(h1, m1) || !ok(h2, m2) || (h1 * 60 + m1) == (h2 * 60 + m2)) return std::nullopt;
  return time_window{h1 * 60 + m1, h2 * 60 + m2};
}

std::string hhmm(int minutes) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
  return buf;
}

// A string member of `obj` (or `def` when absent); a wrong type is a problem, not an exception.
template <class Fail>
std::string text(const json& obj, const char* key, const std::string& def, const std::string& path, Fail&& fail) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return def;
  if (!it->is_string()) {
    fail(path + "." + key, "must be a string");
    return def;
  }
  return it->get<std::string>();
}

// The "id" of a team or member: valid, and new among `seen` (`what` names it in the problem).
template <class Fail>
std::string unique_id(const json& obj, const std::string& path, const char* what, std::set<std::string>& seen,
                      Fail&& fail) {
  auto id = text(obj, "id", "", path, fail);
  if (!valid_id(id)) fail(path + ".id", "required: lower-case letters, digits, '_', '.', '-' (at most 64)");
  else if (!seen.insert(id).second) fail(path + ".id", std::string("duplicate ") + what + " '" + id + "'");
  return id;
}

}  // namespace

const member* team::find(std::string_view member_id) const {
  for (const auto& m : members)
    if (m.id == member_id) return &m;
  return nullptr;
}

std::expected<std::vector<team>, std::vector<std::string>> parse_teams(const json& j, const std::string& path) {
  std::vector<std::string> problems;
  auto fail = [&](const std::string& p, const std::string& why) { problems.push_back(p + ": " + why); };
  std::vector<team> out;
  if (!j.is_array()) return std::unexpected(std::vector<std::string>{path + ": must be an array"});
  std::set<std::string> team_ids;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const std::string tp = path + "[" + std::to_string(i) + "]";
    const json& t = j[i];
    if (!t.is_object()) {
      fail(tp, "must be an object");
      continue;
    }
    team tm;
    tm.id = unique_id(t, tp, "team", team_ids, fail);
    tm.name = text(t, "name", tm.id, tp, fail);
    tm.fallback_team = text(t, "fallback_team", "", tp, fail);
    std::set<std::string> member_ids;
    const json members = t.value("members", json::array());
    if (!members.is_array()) fail(tp + ".members", "must be an array");
    for (std::size_t k = 0; members.is_array() && k < members.size(); ++k) {
      const std::string mp = tp + ".members[" + std::to_string(k) + "]";
      const json& m = members[k];
      if (!m.is_object()) {
        fail(mp, "must be an object");
        continue;
      }
      member mb;
      mb.id = unique_id(m, mp, "member", member_ids, fail);
      mb.name = text(m, "name", mb.id, mp, fail);
      mb.crm_user_id = text(m, "crm_user_id", "", mp, fail);
      if (m.contains("weight") && (!m["weight"].is_number_integer() || m["weight"].get<long long>() < 1 || m["weight"].get<long long>() > 1000))
        fail(mp + ".weight", "must be an integer from 1 to 1000");
      else mb.weight = m.value("weight", 1);
      if (m.contains("capacity") && (!m["capacity"].is_number_integer() || m["capacity"].get<long long>() < 0 || m["capacity"].get<long long>() > 100000))
        fail(mp + ".capacity", "must be an integer from 0 (unlimited) to 100000");
      else mb.capacity = m.value("capacity", 0);
      const std::string state = text(m, "state", "active", mp, fail);
      if (state != "active" && state != "away") fail(mp + ".state", "must be 'active' or 'away'");
      mb.active = state == "active";
      if (m.contains("working_hours")) {
        mb.always_available = false;
        const json& wh = m["working_hours"];
        if (!wh.is_object()) fail(mp + ".working_hours", "must be an object of days");
        for (auto it = wh.begin(); wh.is_object() && it != wh.end(); ++it) {
          int day = -1;
          for (int d = 0; d < 7; ++d)
            if (it.key() == day_keys[static_cast<std::size_t>(d)]) day = d;
          if (day < 0) {
            fail(mp + ".working_hours." + it.key(), "not a day (mon..sun)");
            continue;
          }
          if (!it.value().is_array()) {
            fail(mp + ".working_hours." + it.key(), "must be an array of \"HH:MM-HH:MM\"");
            continue;
          }
          for (std::size_t w = 0; w < it.value().size(); ++w) {
            const json& v = it.value()[w];
            auto win = v.is_string() ? parse_window(v.get<std::string>()) : std::nullopt;
            if (!win) fail(mp + ".working_hours." + it.key() + "[" + std::to_string(w) + "]", "not a time range HH:MM-HH:MM");
            else mb.hours[static_cast<std::size_t>(day)].push_back(*win);
          }
        }
      }
      tm.members.push_back(std::move(mb));
    }
    out.push_back(std::move(tm));
  }
  for (std::size_t i = 0; i < out.size(); ++i)
    if (!out[i].fallback_team.empty() && !team_ids.contains(out[i].fallback_team))
      fail(path + "[" + std::to_string(i) + "].fallback_team", "unknown team '" + out[i].fallback_team + "'");
  if (!problems.empty()) return std::unexpected(std::move(problems));
  return out;
}

std::expected<team, std::vector<std::string>> parse_team(const json& j) {
  if (!j.is_object()) return std::unexpected(std::vector<std::string>{"team: must be an object"});
  json copy = j;
  std::string fallback;
  if (auto it = copy.find("fallback_team"); it != copy.end()) {
    if (!it->is_null() && !it->is_string()) {
      return std::unexpected(std::vector<std::string>{"fallback_team: must be a string"});
    }
    if (it->is_string()) fallback = it->get<std::string>();
    copy.erase(it);
  }
  auto teams = parse_teams(json::array({copy}), "team");
  if (!teams) {
    std::vector<std::string> out;
    for (const auto& p : teams.error()) out.push_back(p.starts_with("team[0].") ? p.substr(8) : p);
    return std::unexpected(std::move(out));
  }
  teams->front().fallback_team = std::move(fallback);
  return std::move(teams->front());
}

json to_json(const team& t) {
  json members = json::array();
  for (const auto& m : t.members) {
    json jm{{"id", m.id}, {"name", m.name}, {"crm_user_id", m.crm_user_id}, {"weight", m.weight},
            {"capacity", m.capacity}, {"state", m.active ? "active" : "away"}};
    if (!m.always_available) {
      json wh = json::object();
      for (std::size_t d = 0; d < 7; ++d) {
        json day = json::array();
        for (auto& w : m.hours[d]) day.push_back(hhmm(w.from) + "-" + hhmm(w.to));
        wh[day_keys[d]] = day;
      }
      jm["working_hours"] = wh;
    }
    members.push_back(std::move(jm));
  }
  json out{{"id", t.id}, {"name", t.name}, {"members", members}};
  if (!t.fallback_team.empty()) out["fallback_team"] = t.fallback_team;
  return out;
}

bool on_duty(const member& m, const local_time& now) noexcept {
  if (!m.active) return false;
  if (m.always_available) return true;
  const int day = (now.iso_weekday + 6) % 7;         // today, Monday = 0
  const int yesterday = (day + 6) % 7;
  for (const auto& w : m.hours[static_cast<std::size_t>(day)]) {
    if (w.from < w.to ? (now.minute_of_day >= w.from && now.minute_of_day < w.to) : now.minute_of_day >= w.from)
      return true;
  }
  // A window that crossed midnight yesterday (22:00-06:00) still covers the early hours today.
  for (const auto& w : m.hours[static_cast<std::size_t>(yesterday)])
    if (w.to < w.from && now.minute_of_day < w.to) return true;
  return false;
}

}  // namespace lg::routing
