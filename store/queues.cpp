// Lead lookup by lead id and the queues view (store/lua/queue_view.lua).
#include "store/queues.hpp"

#include "queue_view.hpp"  // the embedded script store/lua/queue_view.lua
#include "store/keys.hpp"
#include "store/lua_script.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>

namespace lg::store {
namespace {

using nlohmann::json;

const lua_script& queues_script() {
  static const lua_script script{lua::queue_view};
  return script;
}

std::int64_t to_int(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

// One "from-to" list of a day; calls f(from, to) for each well-formed window.
template <class F>
void for_each_window(std::string_view day, F&& f) {
  while (!day.empty()) {
    const auto comma = day.find(',');
    std::string_view w = day.substr(0, comma);
    day = comma == std::string_view::npos ? std::string_view{} : day.substr(comma + 1);
    const auto dash = w.find('-');
    if (dash == std::string_view::npos) continue;
    int from = 0, to = 0;
    auto a = std::from_chars(w.data(), w.data() + dash, from);
    auto b = std::from_chars(w.data() + dash + 1, w.data() + w.size(), to);
    if (a.ec != std::errc{} || b.ec != std::errc{}) continue;
    f(from, to);
  }
}

std::int64_t int_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number()) return 0;
  return it->get<std::int64_t>();
}

std::string str_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

}  // namespace

bool encoded_on_duty(std::string_view hours, const clock_point& now) noexcept {
  if (hours.empty()) return true;
  std::string_view days[7];
  std::size_t n = 0;
  for (std::string_view rest = hours; n < 7;) {
    const auto semi = rest.find(';');
    days[n++] = rest.substr(0, semi);
    if (semi == std::string_view::npos) break;
    rest = rest.substr(semi + 1);
  }
  const int mod = now.minute_of_day;
  const int today = std::clamp(now.iso_weekday, 1, 7) - 1;
  const int yesterday = (today + 6) % 7;
  bool on = false;
  for_each_window(days[today], [&](int from, int to) {
    if (from < to ? (mod >= from && mod < to) : mod >= from) on = true;
  });
  for_each_window(days[yesterday], [&](int from, int to) {
    if (to < from && mod < to) on = true;
  });
  return on;
}

awaitable<std::expected<std::optional<lead_record>, core::error>> async_find_lead(redis_client& redis,
                                                                                 const assign_options& opts,
                                                                                 std::string_view lead_id) {
  std::optional<lead_record> none;
  std::vector<std::string> get{"GET", keys::lead_assignment(opts.tenant, lead_id)};
  auto ev = co_await redis.async_exec(std::move(get));
  if (!ev) co_return std::unexpected(ev.error());
  auto event_id = ev->as_string();
  if (!event_id) co_return none;
  std::vector<std::string> hm{"HMGET", keys::assignment(opts.tenant, *event_id), "lead", "c", "team", "m", "st",
                              "due", "at"};
  auto r = co_await redis.async_exec(std::move(hm));
  if (!r) co_return std::unexpected(r.error());
  if (!r->is_array() || r->elements.size() != 7) {
    co_return std::unexpected(core::make_error(core::errc::internal, "find lead: unexpected HMGET reply"));
  }
  const auto& e = r->elements;
  auto st = e[4].as_string();
  if (!st) co_return none;  // the record expired before its index
  lead_record rec;
  rec.event_id = *event_id;
  rec.lead_id = e[0].as_string().value_or(std::string(lead_id));
  rec.contact_id = e[1].as_string().value_or("");
  rec.team = e[2].as_string().value_or("");
  rec.member = e[3].as_string().value_or("");
  rec.state = *st;
  rec.due_ms = to_int(e[5].as_string().value_or("0"));
  rec.first_seen_ms = to_int(e[6].as_string().value_or("0"));
  co_return rec;
}

std::expected<queues_view, core::error> parse_queues(std::string_view text, const clock_point& now) {
  auto j = json::parse(text, nullptr, false);
  if (!j.is_object()) return std::unexpected(core::make_error(core::errc::internal, "queues: reply is not JSON"));
  queues_view v;
  v.teams_total = static_cast<std::size_t>(int_field(j, "teams_total"));
  auto teams = j.find("teams");
  if (teams == j.end() || !teams->is_array()) return v;  // cjson writes an empty table as {}
  for (const auto& t : *teams) {
    team_queue q;
    q.id = str_field(t, "id");
    q.fallback_team = str_field(t, "fb");
    q.backlog = int_field(t, "backlog");
    q.claim_waiting = int_field(t, "claim");
    const std::int64_t b = int_field(t, "backlog_oldest"), c = int_field(t, "claim_oldest");
    if (q.backlog > 0 && b >= 0) q.oldest_waiting_ms = b;
    if (q.claim_waiting > 0 && c >= 0 && (q.oldest_waiting_ms < 0 || c < q.oldest_waiting_ms)) q.oldest_waiting_ms = c;
    q.stream_length = int_field(t, "qlen");
    q.members_total = static_cast<std::size_t>(int_field(t, "members_total"));
    auto ms = t.find("members");
    if (ms != t.end() && ms->is_array()) {
      for (const auto& m : *ms) {
        member_queue mq;
        mq.id = str_field(m, "id");
        mq.name = str_field(m, "n");
        mq.crm_user_id = str_field(m, "crm");
        mq.weight = static_cast<int>(int_field(m, "w"));
        mq.capacity = static_cast<int>(int_field(m, "cap"));
        mq.state = str_field(m, "st");
        mq.open = int_field(m, "open");
        mq.on_duty = encoded_on_duty(str_field(m, "h"), now);
        mq.available = mq.state == "active" && mq.on_duty && (mq.capacity <= 0 || mq.open < mq.capacity);
        q.members.push_back(std::move(mq));
      }
    }
    v.teams.push_back(std::move(q));
  }
  return v;
}

awaitable<std::expected<queues_view, core::error>> async_queues(redis_client& redis, const assign_options& opts,
                                                                const clock_point& now, const queues_limits& limits) {
  std::vector<std::string> keys{keys::teams(opts.tenant)};
  std::vector<std::string> args{keys::prefix(opts.tenant), std::to_string(limits.max_teams),
                                std::to_string(limits.max_members)};
  auto r = co_await queues_script().async_run(redis, std::move(keys), std::move(args));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return std::unexpected(core::make_error(core::errc::internal, "queues: " + r->str));
  auto text = r->as_string();
  if (!text) co_return std::unexpected(core::make_error(core::errc::internal, "queues: unexpected reply"));
  co_return parse_queues(*text, now);
}

}  // namespace lg::store
