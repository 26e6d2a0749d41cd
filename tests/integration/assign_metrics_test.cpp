// The assignment figures on /metrics (gateway/metrics.hpp) against a real Redis: leads routed
// by the stage counted by team, strategy and outcome, and the teams' waiting leads read from
// Redis at each refresh.
#include "assign_harness.hpp"
#include "pipeline/assign_stage.hpp"
#include "gateway/metrics.hpp"
#include "support/metrics_text.hpp"

namespace lg::test {
namespace {

pipeline::processed_event lead(const std::string& id, const std::string& city) {
  pipeline::processed_event pe;
  pe.event.event_id = id;
  pe.event.lead_id = "L-" + id;
  pe.event.received_at = "2026-11-23T03:00:00.000Z";
  pe.event.contact.city = city;
  return pe;
}

TEST(AssignMetrics, CountsRoutedLeadsAndReadsTheBacklogs) {
  assign_env env(fresh_tenant("metrics"));
  auto rules = routing::parse_rules(nlohmann::json::parse(R"({"default_team":"hn","rules":[
    {"name":"hcm","conditions":{"all":[{"field":"contact.city","op":"equals","value":"HCM"}]},
     "action":{"team":"hcm","strategy":"least_loaded"}}]})"));
  ASSERT_TRUE(rules.has_value());
  auto teams = routing::parse_teams(nlohmann::json::parse(R"([
    {"id":"hn","members":[{"id":"lan"},{"id":"minh"}]},
    {"id":"hcm","members":[{"id":"an","state":"away"}]}])"));
  ASSERT_TRUE(teams.has_value());
  pipeline::assign_stage_options o;
  o.store = env.opts;
  const core::simulated_time clock{std::chrono::system_clock::time_point(std::chrono::milliseconds(monday_ms + 600 * 60000LL))};
  auto stage = pipeline::assign_stage::create(*rules, *teams, o, clock);
  const auto seeded = env.run<std::expected<void, core::error>>(
      [&](store::redis_client& c) { return stage->async_seed(c, false); });
  ASSERT_TRUE(seeded.has_value());

  gateway::metrics m;
  m.watch_assignments(stage);
  m.watch_queues(env.opts, "Asia/Ho_Chi_Minh");
  auto route = [&](const pipeline::processed_event& pe) {
    auto r = env.run<std::expected<store::assignment, core::error>>(
        [&](store::redis_client& c) { return stage->async_route(c, pe); });
    ASSERT_TRUE(r.has_value()) << r.error().message;
  };
  auto refresh = [&] {
    env.run<bool>([&](store::redis_client& c) -> awaitable<bool> {
      co_await m.async_refresh_assignments(c);
      co_return true;
    });
  };
  route(lead("m:1", "Hà Nội"));
  route(lead("m:2", "Hà Nội"));
  route(lead("m:3", "HCM"));  // its only member is away: the backlog
  route(lead("m:2", "Hà Nội"));  // a redelivery is not a second lead
  refresh();
  std::string text = m.serialize();
  EXPECT_EQ(series_value(text, R"(leadgate_assignments_total{outcome="assigned",strategy="round_robin",team="hn"})"), 2)
      << text;
  EXPECT_EQ(series_value(text, R"(leadgate_assignments_total{outcome="backlog",strategy="least_loaded",team="hcm"})"),
            1)
      << text;
  EXPECT_EQ(series_value(text, R"(leadgate_team_waiting{queue="backlog",team="hcm"})"), 1) << text;
  EXPECT_EQ(series_value(text, R"(leadgate_team_waiting{queue="backlog",team="hn"})"), 0) << text;
  EXPECT_EQ(series_value(text, "leadgate_sla_reassignments_total"), 0) << text;

  // A second refresh adds only what is new; the drained backlog reads 0.
  route(lead("m:4", "Hà Nội"));
  env.set_state("hcm", "an", true, at_minute(600));
  refresh();
  refresh();
  text = m.serialize();
  EXPECT_EQ(series_value(text, R"(leadgate_assignments_total{outcome="assigned",strategy="round_robin",team="hn"})"), 3)
      << text;
  EXPECT_EQ(series_value(text, R"(leadgate_team_waiting{queue="backlog",team="hcm"})"), 0) << text;
}

}  // namespace
}  // namespace lg::test
