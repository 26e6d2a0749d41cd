// GET /admin/v1/queues through the HTTP server against a real Redis: backlog and claim depth,
// the oldest waiting lead, the team queue stream's length and per member load, capacity, state
// and availability follow the store; viewers may read it, nobody without a token.
#include "core/time_format.hpp"
#include "team_routes_harness.hpp"

namespace lg::test::teams {
namespace {

using store::assign_strategy;
using QueuesApi = TeamRoutesTest;

const nlohmann::json* find_by_id(const nlohmann::json& arr, const std::string& id) {
  for (const auto& e : arr) {
    if (e["id"] == id) return &e;
  }
  return nullptr;
}

TEST_F(QueuesApi, DepthOldestAndLoads) {
  store_->seed(team("desk", {member("an", 2, 1), member("binh", 1, 3)}));
  store_->seed(team("sales", {member("chi")}));
  store_->set_state("desk", "binh", false, at_minute(0));
  lead("e1", "desk", assign_strategy::round_robin, 1);   // an (now full)
  lead("e2", "desk", assign_strategy::round_robin, 2);   // backlog
  lead("e3", "desk", assign_strategy::round_robin, 3);   // backlog
  lead("e4", "sales", assign_strategy::claim, 7);        // claim queue

  auto a = get("/admin/v1/queues", viewer_token);
  ASSERT_EQ(a.status, 200u) << a.body;
  auto j = body_of(a);
  EXPECT_EQ(j["teams_total"], 2);
  EXPECT_FALSE(j["teams_truncated"].get<bool>());
  ASSERT_EQ(j["teams"].size(), 2u);
  EXPECT_EQ(j["teams"][0]["id"], "desk");  // by id

  const auto& desk = j["teams"][0];
  EXPECT_EQ(desk["backlog"], 2);
  EXPECT_EQ(desk["waiting"], 2);
  EXPECT_EQ(desk["claim_waiting"], 0);
  EXPECT_EQ(desk["oldest_waiting_at"], core::format_rfc3339_ms(std::chrono::system_clock::time_point(
                                           std::chrono::milliseconds(at_minute(2).epoch_ms))));
  EXPECT_GE(desk["oldest_waiting_age_ms"].get<std::int64_t>(), 0);
  // One queue stream entry per step: e1 assigned, e2 and e3 queued.
  EXPECT_EQ(desk["stream_length"], 3);
  ASSERT_EQ(desk["members"].size(), 2u);
  const auto* an = find_by_id(desk["members"], "an");
  const auto* binh = find_by_id(desk["members"], "binh");
  ASSERT_TRUE(an && binh);
  EXPECT_EQ((*an)["open"], 1);
  EXPECT_EQ((*an)["capacity"], 1);
  EXPECT_EQ((*an)["weight"], 2);
  EXPECT_EQ((*an)["state"], "active");
  EXPECT_TRUE((*an)["on_duty"].get<bool>());
  EXPECT_FALSE((*an)["available"].get<bool>());  // full
  EXPECT_EQ((*binh)["open"], 0);
  EXPECT_EQ((*binh)["state"], "away");
  EXPECT_FALSE((*binh)["available"].get<bool>());

  const auto& sales = j["teams"][1];
  EXPECT_EQ(sales["claim_waiting"], 1);
  EXPECT_EQ(sales["backlog"], 0);
  EXPECT_EQ(sales["oldest_waiting_at"], core::format_rfc3339_ms(std::chrono::system_clock::time_point(
                                            std::chrono::milliseconds(at_minute(7).epoch_ms))));
  EXPECT_TRUE(find_by_id(sales["members"], "chi")->at("available").get<bool>());

  // A release frees an: the oldest backlog lead moves to an, the depth drops by one.
  ASSERT_EQ(post("/v1/leads/L-e1/release", an_token).status, 200u);
  auto after = body_of(get("/admin/v1/queues?team=desk", viewer_token));
  ASSERT_EQ(after["teams"].size(), 1u);
  EXPECT_EQ(after["teams"][0]["backlog"], 1);
  EXPECT_EQ(after["teams"][0]["oldest_waiting_at"], core::format_rfc3339_ms(std::chrono::system_clock::time_point(
                                                        std::chrono::milliseconds(at_minute(3).epoch_ms))));
  EXPECT_EQ(find_by_id(after["teams"][0]["members"], "an")->at("open"), 1);
}

TEST_F(QueuesApi, NoTeamsIsAnEmptyList) {
  auto a = get("/admin/v1/queues", viewer_token);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(body_of(a)["teams_total"], 0);
  EXPECT_TRUE(body_of(a)["teams"].empty());
  EXPECT_EQ(get("/admin/v1/queues?team=desk", viewer_token).status, 404u);
}

TEST_F(QueuesApi, Roles) {
  EXPECT_EQ(get("/admin/v1/queues", "").status, 401u);
  EXPECT_EQ(get("/admin/v1/queues", "unknown-token-0123456789abcdefgh").status, 401u);
  EXPECT_EQ(get("/admin/v1/queues", an_token).status, 200u);  // agents rank above viewers
  EXPECT_EQ(get("/admin/v1/queues", admin_token).status, 200u);
  EXPECT_EQ(get("/admin/v1/queues?team=%zz", viewer_token).status, 400u);
}

}  // namespace
}  // namespace lg::test::teams
