// The assignment engine against a real Redis: weighted fairness, round robin, least-loaded,
// capacity with an oldest-first backlog, sticky owner, claim mode, SLA re-assignment and
// escalation, idempotency of a repeated event, and working hours tested as routing::on_duty does.
#include "assign_harness.hpp"

#include <map>
#include <set>

namespace lg::test {
namespace {

using store::assign_strategy;

std::string pfx(const assign_env& env) { return store::keys::prefix(env.opts.tenant); }

long long open_count(assign_env& env, const std::string& team, const std::string& m) {
  return env.integer(cmd("SCARD", store::keys::member_open(env.opts.tenant, team, m)));
}

// Event `event_id` (lead `lead_id`) of the person with `phone` (and `full_name`) resolved as the
// processing worker resolves it: resolve.lua's answer.
std::expected<store::resolve_result, core::error> resolve_person(assign_env& env, const std::string& event_id,
                                                                 const std::string& lead_id, const std::string& phone,
                                                                 const std::string& full_name = {}) {
  core::lead_event e;
  e.event_id = event_id;
  e.lead_id = lead_id;
  e.source = "src";
  e.received_at = e.occurred_at = "2026-11-23T03:00:00.000Z";
  e.contact.full_name = full_name;
  e.contact.phones = {phone};
  store::resolve_options ro;
  ro.tenant = env.opts.tenant;
  return env.run<std::expected<store::resolve_result, core::error>>(
      [&](store::redis_client& c) { return store::async_resolve(c, e, ro); });
}

TEST(AssignStrategies, WeightedRoundRobinTenThousandWithinTwoPercent) {
  assign_env env(fresh_tenant("wrr"));
  const std::vector<int> weights{1, 1, 2, 3, 3};
  std::vector<store::member_record> ms;
  for (std::size_t i = 0; i < weights.size(); ++i) ms.push_back(member("m" + std::to_string(i), weights[i]));
  env.seed(team("hn-1", ms));
  // The script's sequence is the reference sequence (routing::smooth_wrr_pick).
  std::vector<long long> cur;
  std::map<std::string, int> got;
  for (int i = 0; i < 10000; ++i) {
    auto a = env.assign(request("ev" + std::to_string(i), "hn-1", assign_strategy::weighted_round_robin),
                        at_minute(600));
    ASSERT_EQ(a.state, "assigned");
    ++got[a.member];
    if (i < 50) {
      EXPECT_EQ(a.member, "m" + std::to_string(routing::smooth_wrr_pick(cur, weights))) << i;
    }
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const std::string id = "m" + std::to_string(i);
    const double share = 10000.0 * weights[i] / 10.0;
    EXPECT_NEAR(got[id], share, share * 0.02) << id;
    EXPECT_EQ(open_count(env, "hn-1", id), got[id]) << id;  // load counts every open lead
  }
  EXPECT_EQ(env.integer(cmd("XLEN", store::keys::outbox(env.opts.tenant))), 10000);
}

TEST(AssignStrategies, RoundRobinSkipsAwayAndOffDutyMembers) {
  assign_env env(fresh_tenant("rr"));
  auto a = member("a"), b = member("b"), c = member("c");
  b.active = false;
  c.hours = "480-1020;;;;;;";  // Monday 08:00-17:00 only
  env.seed(team("hn-1", {a, b, c}));
  std::vector<std::string> morning, night;
  for (int i = 0; i < 4; ++i) morning.push_back(env.assign(request("d" + std::to_string(i), "hn-1"), at_minute(600)).member);
  for (int i = 0; i < 3; ++i) night.push_back(env.assign(request("n" + std::to_string(i), "hn-1"), at_minute(1200)).member);
  EXPECT_EQ(morning, (std::vector<std::string>{"a", "c", "a", "c"}));
  EXPECT_EQ(night, (std::vector<std::string>{"a", "a", "a"}));
}

TEST(AssignStrategies, LeastLoadedPicksFewestOpenLeads) {
  assign_env env(fresh_tenant("ll"));
  env.seed(team("hn-1", {member("a"), member("b"), member("c")}));
  // a: 3 open, b: 1, c: 2 (round robin fills them, then releases shape the loads).
  for (int i = 0; i < 9; ++i) env.assign(request("p" + std::to_string(i), "hn-1"), at_minute(600));
  ASSERT_TRUE(env.release("p1", at_minute(601)));  // b
  ASSERT_TRUE(env.release("p4", at_minute(601)));  // b
  ASSERT_TRUE(env.release("p2", at_minute(601)));  // c
  auto x = env.assign(request("q0", "hn-1", assign_strategy::least_loaded), at_minute(602));
  EXPECT_EQ(x.member, "b");
  auto y = env.assign(request("q1", "hn-1", assign_strategy::least_loaded), at_minute(602));
  EXPECT_EQ(y.member, "c");  // b and c tie at 2: the rotation after b decides
  EXPECT_EQ(open_count(env, "hn-1", "a"), 3);
}

TEST(AssignStrategies, BacklogDrainsOldestFirstWhenCapacityFrees) {
  assign_env env(fresh_tenant("backlog"));
  env.seed(team("hn-1", {member("a", 1, 1), member("b", 1, 1)}));
  EXPECT_EQ(env.assign(request("e1", "hn-1"), at_minute(600)).member, "a");
  EXPECT_EQ(env.assign(request("e2", "hn-1"), at_minute(601)).member, "b");
  for (int i = 3; i <= 6; ++i) {
    auto w = env.assign(request("e" + std::to_string(i), "hn-1"), at_minute(600 + i));
    EXPECT_EQ(w.state, "backlog");
    EXPECT_EQ(w.member, "");
  }
  EXPECT_EQ(env.integer(cmd("ZCARD", store::keys::backlog(env.opts.tenant, "hn-1"))), 4);
  // Capacity never passes 1 while the backlog waits.
  EXPECT_EQ(open_count(env, "hn-1", "a"), 1);
  EXPECT_EQ(open_count(env, "hn-1", "b"), 1);

  auto d1 = env.release("e2", at_minute(610));
  ASSERT_TRUE(d1);
  ASSERT_EQ(d1->size(), 1u);
  EXPECT_EQ(d1->at(0).event_id, "e3");
  EXPECT_EQ(d1->at(0).member, "b");
  auto d2 = env.release("e1", at_minute(611));
  ASSERT_TRUE(d2);
  ASSERT_EQ(d2->size(), 1u);
  EXPECT_EQ(d2->at(0).event_id, "e4");
  EXPECT_EQ(d2->at(0).member, "a");
  // Releasing twice frees nothing more.
  auto again = env.release("e1", at_minute(612));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  EXPECT_EQ(open_count(env, "hn-1", "a"), 1);
  EXPECT_FALSE(env.release("nope", at_minute(612)));
  // A member coming back from away drains too.
  env.seed(team("hn-1", {member("a", 1, 1), member("b", 1, 1), member("c", 1, 1)}));
  env.set_state("hn-1", "c", false, at_minute(613));
  auto d3 = env.set_state("hn-1", "c", true, at_minute(614));
  ASSERT_EQ(d3.size(), 1u);
  EXPECT_EQ(d3[0].event_id, "e5");
  EXPECT_EQ(d3[0].member, "c");
  EXPECT_EQ(env.integer(cmd("ZCARD", store::keys::backlog(env.opts.tenant, "hn-1"))), 1);
  EXPECT_EQ(env.str(cmd("HGET", store::keys::assignment(env.opts.tenant, "e6"), "st")), "backlog");
}

TEST(AssignStrategies, OffDutyTeamWaitsAndSweepDrainsWhenShiftStarts) {
  assign_env env(fresh_tenant("shift"));
  auto a = member("a");
  a.hours = "480-1020;480-1020;480-1020;480-1020;480-1020;;";
  env.seed(team("hn-1", {a}));
  auto w = env.assign(request("night", "hn-1"), at_minute(23 * 60));  // Monday 23:00
  EXPECT_EQ(w.state, "backlog");
  EXPECT_EQ(env.sweep(at_minute(24 * 60 + 7 * 60)).drained, 0);        // Tuesday 07:00
  EXPECT_EQ(env.sweep(at_minute(24 * 60 + 8 * 60)).drained, 1);        // Tuesday 08:00
  EXPECT_EQ(env.str(cmd("HGET", store::keys::assignment(env.opts.tenant, "night"), "m")), "a");
}

TEST(AssignStrategies, WorkingHoursMatchRoutingOnDuty) {
  assign_env env(fresh_tenant("duty"));
  auto teams = routing::parse_teams(nlohmann::json::parse(R"([{"id":"hn-1","members":[
      {"id":"a","working_hours":{"mon":["08:00-12:00","13:30-17:30"],"sat":["22:00-06:00"]}},
      {"id":"b","working_hours":{"sun":["23:00-01:00"],"tue":["00:00-24:00"]}},
      {"id":"c"}]}])"));
  ASSERT_TRUE(teams);
  store::team_record rec{"hn-1", "", {}};
  for (const auto& m : teams->at(0).members) {
    auto r = member(m.id);
    r.hours = routing::encode_hours(m);
    rec.members.push_back(r);
  }
  env.seed(rec);
  int checked = 0;
  for (int day = 0; day < 7; ++day) {
    for (int minute = 0; minute < 1440; minute += 30) {
      auto now = at_minute(day * 1440 + minute);
      auto got = env.available("hn-1", now);
      std::set<std::string> lua(got.begin(), got.end());
      for (const auto& m : teams->at(0).members) {
        bool cpp = routing::on_duty(m, routing::local_time{now.minute_of_day, now.iso_weekday});
        EXPECT_EQ(lua.count(m.id) == 1, cpp) << m.id << " day " << day + 1 << " minute " << minute;
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 7 * 48 * 3);
}

TEST(AssignStrategies, StickyOwnerWinsForReturningContactAndFallsThroughWhenAway) {
  assign_env env(fresh_tenant("sticky"));
  env.seed(team("hn-1", {member("a"), member("b"), member("c")}));
  auto resolved = resolve_person(env, "form:1", "L1", "+84912345678", "Nguyễn Thị Lan");
  ASSERT_TRUE(resolved);
  const std::string cid = resolved->contact_id;

  auto first = env.assign(request("form:1", "hn-1", assign_strategy::round_robin, cid), at_minute(600));
  EXPECT_EQ(first.member, "a");
  EXPECT_FALSE(first.sticky);
  const std::string ckey = pfx(env) + "c:" + cid;
  EXPECT_EQ(env.str(cmd("HGET", ckey, "o")), "a");
  EXPECT_EQ(env.str(cmd("HGET", ckey, "t")), "hn-1");
  env.assign(request("other:1", "hn-1"), at_minute(601));  // b: the cursor moves on

  auto back = env.assign(request("form:2", "hn-1", assign_strategy::round_robin, cid), at_minute(602));
  EXPECT_EQ(back.member, "a");
  EXPECT_TRUE(back.sticky);

  auto off = request("form:3", "hn-1", assign_strategy::round_robin, cid);
  off.sticky_owner = false;  // the rule turned it off
  EXPECT_EQ(env.assign(off, at_minute(603)).member, "c");

  EXPECT_EQ(env.str(cmd("HGET", ckey, "o")), "c");  // the lead given without stickiness moved the owner
  env.set_state("hn-1", "c", false, at_minute(604));
  auto away = env.assign(request("form:4", "hn-1", assign_strategy::round_robin, cid), at_minute(605));
  EXPECT_FALSE(away.sticky);
  EXPECT_NE(away.member, "c");
  EXPECT_EQ(env.str(cmd("HGET", ckey, "o")), away.member);

  // Timeline: resolve's touch first, then one assign entry per assignment, in order.
  auto tl = env.timeline(cid);
  ASSERT_GE(tl.size(), 5u);
  EXPECT_EQ(tl[0].at("k"), "touch");
  std::vector<std::string> owners;
  for (const auto& x : tl)
    if (x.at("k") == "assign") owners.push_back(x.at("m").get<std::string>());
  EXPECT_EQ(owners, (std::vector<std::string>{"a", "a", "c", away.member}));
  EXPECT_EQ(tl[2].value("sticky", 0), 1);
  EXPECT_EQ(tl[1].at("lead"), "L-form:1");
}

TEST(AssignStrategies, RepeatedEventReturnsFirstDecisionWithoutSecondEffect) {
  assign_env env(fresh_tenant("idem"));
  env.seed(team("hn-1", {member("a"), member("b")}));
  auto req = request("ev-1", "hn-1");
  req.sla_minutes = 5;
  auto one = env.assign(req, at_minute(600));
  auto two = env.assign(req, at_minute(601));
  EXPECT_FALSE(one.duplicate);
  EXPECT_TRUE(two.duplicate);
  EXPECT_EQ(two.member, one.member);
  EXPECT_EQ(two.team, one.team);
  EXPECT_EQ(two.due_ms, one.due_ms);
  EXPECT_EQ(two.crm_user_id, "crm-" + one.member);
  EXPECT_EQ(env.integer(cmd("XLEN", store::keys::outbox(env.opts.tenant))), 1);
  EXPECT_EQ(env.integer(cmd("XLEN", store::keys::team_queue(env.opts.tenant, "hn-1"))), 1);
  EXPECT_EQ(open_count(env, "hn-1", one.member), 1);
  EXPECT_EQ(env.integer(cmd("ZCARD", store::keys::sla(env.opts.tenant))), 1);
  // The next event still goes to the next member: the duplicate did not move the cursor.
  EXPECT_NE(env.assign(request("ev-2", "hn-1"), at_minute(602)).member, one.member);
  // The outbox entry carries what the CRM needs.
  auto ob = env.exec(cmd("XRANGE", store::keys::outbox(env.opts.tenant), "-", "+"));
  ASSERT_EQ(ob.elements.size(), 2u);
  std::map<std::string, std::string> f;
  const auto& kv = ob.elements[0].elements[1].elements;
  for (std::size_t i = 0; i + 1 < kv.size(); i += 2) f[kv[i].str] = kv[i + 1].str;
  EXPECT_EQ(f["event"], "ev-1");
  EXPECT_EQ(f["lead_id"], "L-ev-1");
  EXPECT_EQ(f["assigned_user_id"], "crm-" + one.member);
  EXPECT_EQ(f["team_id"], "hn-1");
}

TEST(AssignStrategies, SlaReassignsThenEscalatesThenAcceptStopsTheClock) {
  assign_env env(fresh_tenant("sla"));
  env.seed(team("hn-1", {member("a"), member("b")}, "hn-2"));
  env.seed(team("hn-2", {member("f")}));
  auto req = request("s1", "hn-1");
  req.sla_minutes = 5;
  auto a = env.assign(req, at_minute(600));
  EXPECT_EQ(a.member, "a");
  EXPECT_EQ(a.due_ms, at_minute(605).epoch_ms);

  auto s0 = env.sweep(at_minute(604));
  EXPECT_EQ(s0.reassigned + s0.escalated + s0.missed, 0);
  auto s1 = env.sweep(at_minute(606));
  EXPECT_EQ(s1.reassigned, 1);
  const std::string rec = store::keys::assignment(env.opts.tenant, "s1");
  EXPECT_EQ(env.str(cmd("HGET", rec, "m")), "b");
  EXPECT_EQ(open_count(env, "hn-1", "a"), 0);
  EXPECT_EQ(open_count(env, "hn-1", "b"), 1);
  auto late = env.accept("s1", "a", at_minute(607));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, core::errc::forbidden);

  auto s2 = env.sweep(at_minute(612));  // b missed it too: nobody left in hn-1 -> hn-2
  EXPECT_EQ(s2.escalated, 1);
  EXPECT_EQ(env.str(cmd("HGET", rec, "team")), "hn-2");
  EXPECT_EQ(env.str(cmd("HGET", rec, "m")), "f");
  EXPECT_EQ(open_count(env, "hn-1", "b"), 0);
  ASSERT_TRUE(env.accept("s1", "f", at_minute(613)));
  EXPECT_EQ(env.integer(cmd("ZCARD", store::keys::sla(env.opts.tenant))), 0);
  auto s3 = env.sweep(at_minute(700));
  EXPECT_EQ(s3.reassigned + s3.escalated + s3.missed, 0);
  EXPECT_EQ(env.str(cmd("HGET", rec, "st")), "accepted");

  // Three outbox entries: assign, reassign, escalate, each with the member's CRM user.
  auto ob = env.exec(cmd("XRANGE", store::keys::outbox(env.opts.tenant), "-", "+"));
  std::vector<std::string> users;
  for (const auto& e : ob.elements) {
    const auto& kv = e.elements[1].elements;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2)
      if (kv[i].str == "assigned_user_id") users.push_back(kv[i + 1].str);
  }
  EXPECT_EQ(users, (std::vector<std::string>{"crm-a", "crm-b", "crm-f"}));
}

TEST(AssignStrategies, SlaHopsAreOnTheTimelineAndMissedWhenNobodyElse) {
  assign_env env(fresh_tenant("slatl"));
  env.seed(team("solo", {member("z")}));
  auto resolved = resolve_person(env, "form:sla", "LS", "+84912000111");
  ASSERT_TRUE(resolved);
  auto req = request("form:sla", "solo", assign_strategy::round_robin, resolved->contact_id);
  req.sla_minutes = 1;
  env.assign(req, at_minute(600));
  auto s = env.sweep(at_minute(602));
  EXPECT_EQ(s.missed, 1);
  EXPECT_EQ(open_count(env, "solo", "z"), 1);  // still z's lead
  auto tl = env.timeline(resolved->contact_id);
  ASSERT_EQ(tl.size(), 3u);
  EXPECT_EQ(tl[1].at("k"), "assign");
  EXPECT_EQ(tl[1].at("due"), at_minute(601).epoch_ms / 1000);
  EXPECT_EQ(tl[2].at("k"), "sla_missed");
  EXPECT_EQ(tl[2].at("m"), "z");
  EXPECT_EQ(env.sweep(at_minute(700)).missed, 0);  // once
  ASSERT_TRUE(env.accept("form:sla", "z", at_minute(701)));  // late acceptance still counts
}

TEST(AssignStrategies, ClaimModeMembersPullOldestFirst) {
  assign_env env(fresh_tenant("claim"));
  auto gone = member("gone");
  gone.active = false;
  env.seed(team("hn-1", {member("a", 1, 1), member("b"), gone}));
  for (int i = 0; i < 3; ++i) {
    auto w = env.assign(request("c" + std::to_string(i), "hn-1", assign_strategy::claim), at_minute(600 + i));
    EXPECT_EQ(w.state, "waiting");
  }
  auto x = env.claim("hn-1", "b", at_minute(610));
  ASSERT_TRUE(x);
  ASSERT_TRUE(x->has_value());
  EXPECT_EQ((*x)->event_id, "c0");
  EXPECT_EQ((*x)->member, "b");
  auto y = env.claim("hn-1", "a", at_minute(611));
  ASSERT_TRUE(y && y->has_value());
  EXPECT_EQ((*y)->event_id, "c1");
  auto full = env.claim("hn-1", "a", at_minute(612));  // capacity 1
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, core::errc::conflict);
  auto away = env.claim("hn-1", "gone", at_minute(612));
  ASSERT_FALSE(away);
  EXPECT_EQ(away.error().code, core::errc::conflict);
  auto stranger = env.claim("hn-1", "nobody", at_minute(612));
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, core::errc::not_found);
  auto z = env.claim("hn-1", "b", at_minute(613));
  ASSERT_TRUE(z && z->has_value());
  EXPECT_EQ((*z)->event_id, "c2");
  auto none = env.claim("hn-1", "b", at_minute(614));
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
}

}  // namespace
}  // namespace lg::test
