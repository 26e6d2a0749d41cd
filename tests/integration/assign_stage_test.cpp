// The routing stage end to end against Redis: a resolved event goes through routing::decide()
// (rule by city, default team otherwise) and one assign.lua call; the worker's route hook
// reports success; a redelivery has no second effect; teams are seeded from config.
#include "assign_harness.hpp"
#include "pipeline/assign_stage.hpp"

namespace lg::test {
namespace {

routing::rule_set stage_rules() {
  auto r = routing::parse_rules(nlohmann::json::parse(R"({"default_team":"hn-1","rules":[
    {"name":"hcm","conditions":{"all":[{"field":"contact.city","op":"in","value":["Ho Chi Minh","Sài Gòn"]}]},
     "action":{"team":"hcm-1","strategy":"weighted_round_robin","sla_minutes":10}}]})"));
  if (!r) throw std::runtime_error(r.error().front());
  return *r;
}

std::vector<routing::team> stage_teams() {
  auto t = routing::parse_teams(nlohmann::json::parse(R"([
    {"id":"hn-1","members":[{"id":"lan","crm_user_id":"u-1"},{"id":"minh","crm_user_id":"u-2"}]},
    {"id":"hcm-1","members":[{"id":"an","crm_user_id":"u-3","weight":3,
                              "working_hours":{"mon":["08:00-17:00"]}},{"id":"binh","crm_user_id":"u-4"}]}])"));
  if (!t) throw std::runtime_error(t.error().front());
  return *t;
}

pipeline::processed_event resolved(assign_env& env, const std::string& id, const std::string& city,
                                  const std::string& phone) {
  pipeline::processed_event pe;
  auto& e = pe.event;
  e.event_id = id;
  e.lead_id = "L-" + id;
  e.source = "website";
  e.received_at = e.occurred_at = "2026-11-23T03:00:00.000Z";  // Monday 10:00 in Hà Nội
  e.contact.full_name = "Trần Văn Bình";
  e.contact.city = city;
  e.contact.phones = {phone};
  store::resolve_options ro;
  ro.tenant = env.opts.tenant;
  auto r = env.run<std::expected<store::resolve_result, core::error>>(
      [&](store::redis_client& c) { return store::async_resolve(c, e, ro); });
  if (!r) throw std::runtime_error(r.error().message);
  pe.contact = *r;
  return pe;
}

TEST(AssignStage, RulesPickTeamAndStrategyThenOneLuaCallAssigns) {
  assign_env env(fresh_tenant("stage"));
  pipeline::assign_stage_options o;
  o.store = env.opts;
  // Monday 2026-11-23 10:00 local: an is on duty.
  const std::int64_t now_ms = monday_ms + 10 * 3600000LL;
  const core::simulated_time clock{std::chrono::system_clock::time_point(std::chrono::milliseconds(now_ms))};
  auto stage = pipeline::assign_stage::create(stage_rules(), stage_teams(), o, clock);
  auto seeded = env.run<std::expected<void, core::error>>(
      [&](store::redis_client& c) { return stage->async_seed(c, false); });
  ASSERT_TRUE(seeded);

  auto hcm = resolved(env, "form:a", "Hồ Chí Minh", "+84911000001");
  auto a = env.run<std::expected<store::assignment, core::error>>(
      [&](store::redis_client& c) { return stage->async_route(c, hcm); });
  ASSERT_TRUE(a);
  EXPECT_EQ(a->team, "hcm-1");
  EXPECT_EQ(a->member, "an");  // weight 3 of 4: first pick of smooth WRR
  EXPECT_EQ(a->crm_user_id, "u-3");
  EXPECT_EQ(a->due_ms, now_ms + 10 * 60000);
  EXPECT_EQ(env.str(cmd("HGET", store::keys::prefix(env.opts.tenant) + "c:" + hcm.contact.contact_id, "o")), "an");

  auto hn = resolved(env, "form:b", "Hà Nội", "+84911000002");
  auto b = env.run<std::expected<store::assignment, core::error>>(
      [&](store::redis_client& c) { return stage->async_route(c, hn); });
  ASSERT_TRUE(b);
  EXPECT_EQ(b->team, "hn-1");
  EXPECT_EQ(b->member, "lan");
  EXPECT_EQ(b->due_ms, 0);

  // The worker hook: success, and a redelivery changes nothing.
  auto hook = stage->route(std::shared_ptr<store::redis_client>(&env.client(), [](store::redis_client*) {}));
  auto again = env.run<std::expected<void, core::error>>([&](store::redis_client&) { return hook(hn); });
  EXPECT_TRUE(again);
  EXPECT_EQ(stage->stats().duplicates.load(), 1u);
  // Two contact.created (from resolve) and two lead.assigned; the redelivery added none.
  EXPECT_EQ(env.integer(cmd("XLEN", store::keys::outbox(env.opts.tenant))), 4);

  // Seeding again without overwrite keeps Redis's state (an admin's edit).
  env.set_state("hn-1", "lan", false, stage->now());
  ASSERT_TRUE((env.run<std::expected<void, core::error>>(
      [&](store::redis_client& c) { return stage->async_seed(c, false); })));
  EXPECT_EQ(env.str(cmd("HGET", store::keys::member(env.opts.tenant, "hn-1", "lan"), "st")), "away");
}

TEST(AssignStage, ClockPointUsesTenantZone) {
  // 2026-11-22T23:30:00Z is Monday 06:30 in Hà Nội (UTC+7).
  auto c = pipeline::make_clock_point(1795390200000LL, "Asia/Ho_Chi_Minh");
  EXPECT_EQ(c.iso_weekday, 1);
  EXPECT_EQ(c.minute_of_day, 6 * 60 + 30);
}

}  // namespace
}  // namespace lg::test
