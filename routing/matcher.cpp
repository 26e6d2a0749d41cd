// The matcher: first enabled rule whose conditions hold wins; every evaluated condition leaves a
// line in the trace saying what it compared and why it held or not.
#include "routing/matcher.hpp"

#include "core/normalize.hpp"

#include <unicode/calendar.h>
#include <unicode/timezone.h>

#include <algorithm>
#include <map>
#include <memory>

namespace lg::routing {
namespace {

constexpr std::string_view weekday_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// The values a field path has on this lead (several for contact.phone / contact.email).
std::vector<std::string> values_of(const lead_view& lead, const std::string& field) {
  const auto& e = lead.event;
  auto one = [](const std::string& s) { return s.empty() ? std::vector<std::string>{} : std::vector<std::string>{s}; };
  auto from_map = [&](const std::map<std::string, std::string>& m, std::string_view key) {
    auto it = m.find(std::string(key));
    return it == m.end() ? std::vector<std::string>{} : one(it->second);
  };
  if (field == "channel") return {std::string(core::to_string(e.chan))};
  if (field == "source") return one(e.source);
  if (field == "returning") return {lead.returning ? "true" : "false"};
  const auto dot = field.find('.');
  if (dot == std::string::npos) return {};
  const std::string_view head = std::string_view(field).substr(0, dot), key = std::string_view(field).substr(dot + 1);
  if (head == "campaign") {
    if (key == "page_url") return one(e.campaign.page_url);
    if (key == "referrer") return one(e.campaign.referrer);
    return from_map(e.campaign.utm, key);
  }
  if (head == "interest") return from_map(e.interest, key);
  if (head == "extra") return from_map(e.extra, key);
  if (head == "contact") {
    const auto& c = e.contact;
    if (key == "full_name") return one(c.full_name);
    if (key == "family_name") return one(c.family_name);
    if (key == "given_name") return one(c.given_name);
    if (key == "city") return one(c.city);
    if (key == "address") return one(c.address);
    if (key == "phone") return c.phones;
    if (key == "email") return c.emails;
    auto it = c.ids.find(std::string(key));
    if (it != c.ids.end()) return one(it->second);
    return from_map(e.extra, key);  // province, district, ... travel in extra
  }
  return {};
}

std::string list(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

std::string hhmm(int minute_of_day) {
  const int h = (minute_of_day / 60) % 100, m = minute_of_day % 60;
  return {static_cast<char>('0' + h / 10), static_cast<char>('0' + h % 10), ':', static_cast<char>('0' + m / 10),
          static_cast<char>('0' + m % 10)};
}

int parse_minutes(const std::string& s) { return std::stoi(s.substr(0, 2)) * 60 + std::stoi(s.substr(3, 2)); }

bool eval_leaf(const condition& c, const lead_view& lead, const local_time& now, std::string& why) {
  const std::string head = c.field + " " + std::string(to_string(c.op)) + " ";
  if (c.field == "time_of_day") {
    const int from = parse_minutes(c.values[0]), to = parse_minutes(c.values[1]);
    const int t = now.minute_of_day;
    // A window that ends before it starts crosses midnight (22:00..06:00).
    const bool hit = from <= to ? (t >= from && t < to) : (t >= from || t < to);
    why = head + c.values[0] + ".." + c.values[1] + ": local time " + hhmm(t) + (hit ? " → yes" : " → no");
    return hit;
  }
  std::vector<std::string> got = c.field == "day_of_week"
                                     ? std::vector<std::string>{std::string(weekday_names[(now.iso_weekday + 6) % 7])}
                                     : values_of(lead, c.field);
  std::vector<std::string> cmp = got;
  if (c.folded)
    for (auto& v : cmp) v = core::fold_text(v);
  auto any_in = [&](const std::vector<std::string>& set) {
    return std::any_of(cmp.begin(), cmp.end(), [&](auto& v) { return std::find(set.begin(), set.end(), v) != set.end(); });
  };
  bool hit = false;
  switch (c.op) {
    case op::exists: hit = !got.empty(); break;
    case op::not_exists: hit = got.empty(); break;
    case op::equals: case op::in: hit = any_in(c.values); break;
    case op::not_equals: case op::not_in: hit = !any_in(c.values); break;
    case op::regex:
      hit = std::any_of(got.begin(), got.end(), [&](auto& v) { return std::regex_search(v, *c.pattern); });
      break;
    case op::between: hit = false; break;  // validated: time_of_day only
  }
  const std::string want = c.op == op::exists || c.op == op::not_exists ? "" : list(c.values) + ": ";
  why = head + want + "got " + (got.empty() ? std::string("nothing") : list(got)) + (hit ? " → yes" : " → no");
  return hit;
}

bool eval_group(const condition_group& g, const lead_view& lead, const local_time& now, std::vector<std::string>& reasons) {
  if (g.leaves.empty() && g.groups.empty()) {
    reasons.push_back("no conditions → yes");
    return true;
  }
  // Evaluate everything (not short-circuit) so the trace explains the whole rule.
  bool all = true, any = false;
  for (const auto& c : g.leaves) {
    std::string why;
    const bool hit = eval_leaf(c, lead, now, why);
    reasons.push_back(std::move(why));
    all = all && hit;
    any = any || hit;
  }
  for (const auto& sub : g.groups) {
    std::vector<std::string> inner;
    const bool hit = eval_group(sub, lead, now, inner);
    reasons.push_back(std::string(sub.any ? "any" : "all") + " of:" + (hit ? " → yes" : " → no"));
    for (auto& r : inner) reasons.push_back("  " + r);
    all = all && hit;
    any = any || hit;
  }
  return g.any ? any : all;
}

}  // namespace

decision decide(const lead_view& lead, const rule_set& rules, const local_time& now, bool full_trace) {
  decision d;
  d.rule = "default";
  d.action = rules.default_action;
  bool decided = false;
  for (const auto& r : rules.rules) {
    if (decided && !full_trace) break;
    rule_trace t;
    t.rule = r.name;
    t.enabled = r.enabled;
    if (!r.enabled) {
      t.reasons.push_back("disabled");
      d.trace.push_back(std::move(t));
      continue;
    }
    t.matched = eval_group(r.when, lead, now, t.reasons);
    if (t.matched && !decided) {
      d.rule = r.name;
      d.action = r.then;
      decided = true;
    }
    d.trace.push_back(std::move(t));
  }
  return d;
}

local_time to_local(long long epoch_ms, const std::string& time_zone) {
  // ICU calendars are costly to build and not thread-safe: one per thread and zone.
  thread_local std::map<std::string, std::unique_ptr<icu::Calendar>> calendars;
  auto& cal = calendars[time_zone];
  UErrorCode status = U_ZERO_ERROR;
  if (!cal) {
    cal.reset(icu::Calendar::createInstance(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(time_zone)),
                                            status));
    if (U_FAILURE(status) || !cal) {
      calendars.erase(time_zone);
      return {};
    }
  }
  cal->setTime(static_cast<UDate>(epoch_ms), status);
  const int hour = cal->get(UCAL_HOUR_OF_DAY, status), minute = cal->get(UCAL_MINUTE, status);
  const int dow = cal->get(UCAL_DAY_OF_WEEK, status);  // 1 = Sunday
  if (U_FAILURE(status)) return {};
  return local_time{hour * 60 + minute, dow == UCAL_SUNDAY ? 7 : dow - 1};
}

}  // namespace lg::routing
