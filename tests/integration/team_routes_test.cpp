// The agents' routes through the HTTP server against a real Redis: claim (oldest first, 404
// when nothing waits, 403 outside one's team, 409 at capacity), accept by the owner only, and
// release draining the team's backlog oldest-first; tokens and roles.
#include "team_routes_harness.hpp"

namespace lg::test::teams {
namespace {

using store::assign_strategy;
using TeamRoutes = TeamRoutesTest;

TEST_F(TeamRoutes, ClaimTakesOldestFirstUntilCapacity) {
  store_->seed(team("sales", {member("an", 1, 2), member("binh")}));
  // Queued out of order: the claim order follows the time each lead was first seen.
  lead("e2", "sales", assign_strategy::claim, 20);
  lead("e1", "sales", assign_strategy::claim, 10);
  lead("e3", "sales", assign_strategy::claim, 30);

  auto a1 = post("/v1/teams/sales/claim", an_token);
  ASSERT_EQ(a1.status, 200u) << a1.body;
  EXPECT_EQ(body_of(a1)["lead"]["lead_id"], "L-e1");
  EXPECT_EQ(body_of(a1)["lead"]["member"], "an");
  EXPECT_EQ(body_of(a1)["lead"]["state"], "assigned");
  EXPECT_EQ(field("e1", "m"), "an");

  auto a2 = post("/v1/teams/sales/claim", an_token);
  ASSERT_EQ(a2.status, 200u) << a2.body;
  EXPECT_EQ(body_of(a2)["lead"]["lead_id"], "L-e2");

  auto full = post("/v1/teams/sales/claim", an_token);  // capacity 2 reached
  EXPECT_EQ(full.status, 409u) << full.body;
  EXPECT_EQ(body_of(full)["error"]["code"], "conflict");
  EXPECT_EQ(field("e3", "st"), "waiting");

  auto b = post("/v1/teams/sales/claim", binh_token);
  ASSERT_EQ(b.status, 200u) << b.body;
  EXPECT_EQ(body_of(b)["lead"]["lead_id"], "L-e3");
  EXPECT_EQ(field("e3", "m"), "binh");

  auto none = post("/v1/teams/sales/claim", binh_token);
  EXPECT_EQ(none.status, 404u) << none.body;
  EXPECT_EQ(body_of(none)["error"]["code"], "not_found");
}

TEST_F(TeamRoutes, ClaimOutsideOnesTeamIs403) {
  store_->seed(team("sales", {member("an"), member("binh")}));
  store_->seed(team("hcm", {member("chi")}));
  lead("e1", "sales", assign_strategy::claim, 1);

  auto chi = post("/v1/teams/sales/claim", chi_token);
  EXPECT_EQ(chi.status, 403u) << chi.body;
  auto unknown = post("/v1/teams/nowhere/claim", an_token);
  EXPECT_EQ(unknown.status, 403u) << unknown.body;
  // An agent cannot act as another member.
  auto as_binh = post("/v1/teams/sales/claim", an_token, R"({"member":"binh"})");
  EXPECT_EQ(as_binh.status, 403u) << as_binh.body;
  EXPECT_EQ(field("e1", "st"), "waiting");  // none of these took the lead

  // Chi's own team has nothing waiting.
  EXPECT_EQ(post("/v1/teams/hcm/claim", chi_token).status, 404u);
}

TEST_F(TeamRoutes, RolesAndTokens) {
  store_->seed(team("sales", {member("an")}));
  lead("e1", "sales", assign_strategy::claim, 1);

  auto none = post("/v1/teams/sales/claim", "");
  EXPECT_EQ(none.status, 401u) << none.body;
  EXPECT_FALSE(none.raw[http::field::www_authenticate].empty());
  EXPECT_EQ(post("/v1/teams/sales/claim", "not-a-known-token-0123456789abcdef").status, 401u);
  auto viewer = post("/v1/teams/sales/claim", viewer_token);
  EXPECT_EQ(viewer.status, 403u) << viewer.body;
  EXPECT_EQ(post("/v1/leads/L-e1/accept", viewer_token).status, 403u);
  EXPECT_EQ(post("/v1/leads/L-e1/release", viewer_token).status, 403u);
  EXPECT_EQ(post("/v1/leads/L-e1/release", "").status, 401u);

  // An admin must say which member claims; then claims for them.
  auto admin_bare = post("/v1/teams/sales/claim", admin_token);
  EXPECT_EQ(admin_bare.status, 400u) << admin_bare.body;
  EXPECT_EQ(body_of(admin_bare)["error"]["field"], "member");
  EXPECT_EQ(post("/v1/teams/sales/claim", admin_token, "[1,2]").status, 400u);
  EXPECT_EQ(post("/v1/teams/sales/claim", admin_token, "{oops").status, 400u);
  auto admin = post("/v1/teams/sales/claim", admin_token, R"({"member":"an"})");
  ASSERT_EQ(admin.status, 200u) << admin.body;
  EXPECT_EQ(field("e1", "m"), "an");
}

TEST_F(TeamRoutes, AcceptByOwnerOnly) {
  store_->seed(team("desk", {member("an"), member("binh")}));
  auto a = lead("e1", "desk", assign_strategy::round_robin, 1, 15);
  ASSERT_EQ(a.member, "an");
  const std::string sla = store::keys::sla(store_->opts.tenant);
  ASSERT_FALSE(store_->exec({"ZSCORE", sla, "e1"}).is_nil());

  auto other = post("/v1/leads/L-e1/accept", binh_token);
  EXPECT_EQ(other.status, 403u) << other.body;
  EXPECT_EQ(field("e1", "st"), "assigned");
  EXPECT_FALSE(store_->exec({"ZSCORE", sla, "e1"}).is_nil());

  auto own = post("/v1/leads/L-e1/accept", an_token);
  ASSERT_EQ(own.status, 200u) << own.body;
  EXPECT_EQ(body_of(own)["state"], "accepted");
  EXPECT_EQ(field("e1", "st"), "accepted");
  EXPECT_TRUE(store_->exec({"ZSCORE", sla, "e1"}).is_nil());  // the SLA clock stopped
  EXPECT_EQ(post("/v1/leads/L-e1/accept", an_token).status, 200u);  // accepting twice is harmless

  EXPECT_EQ(post("/v1/leads/L-nope/accept", an_token).status, 404u);
}

TEST_F(TeamRoutes, AdminAcceptsForTheOwnerOnly) {
  store_->seed(team("desk", {member("an", 1, 1)}));
  lead("e1", "desk", assign_strategy::round_robin, 1);
  lead("e2", "desk", assign_strategy::round_robin, 2);  // an is full: backlog
  ASSERT_EQ(field("e2", "st"), "backlog");
  auto a = post("/v1/leads/L-e2/accept", admin_token, R"({"member":"an"})");
  EXPECT_EQ(a.status, 403u) << a.body;  // not an's lead (nobody's yet)
  auto own = post("/v1/leads/L-e1/accept", admin_token);  // the admin accepts for the owner
  EXPECT_EQ(own.status, 200u) << own.body;
  EXPECT_EQ(field("e1", "st"), "accepted");
}

TEST_F(TeamRoutes, ReleaseDrainsBacklogOldestFirst) {
  store_->seed(team("desk", {member("an", 1, 1), member("binh", 1, 0)}));
  store_->set_state("desk", "binh", false, at_minute(0));  // only an takes leads
  ASSERT_EQ(lead("e1", "desk", assign_strategy::round_robin, 1).member, "an");
  lead("e3", "desk", assign_strategy::round_robin, 3);
  lead("e2", "desk", assign_strategy::round_robin, 2);
  ASSERT_EQ(field("e2", "st"), "backlog");
  ASSERT_EQ(field("e3", "st"), "backlog");

  auto not_owner = post("/v1/leads/L-e1/release", binh_token);
  EXPECT_EQ(not_owner.status, 403u) << not_owner.body;
  EXPECT_EQ(field("e1", "st"), "assigned");

  auto r1 = post("/v1/leads/L-e1/release", an_token, R"({"reason":"won"})");
  ASSERT_EQ(r1.status, 200u) << r1.body;
  auto j1 = body_of(r1);
  EXPECT_EQ(j1["state"], "closed");
  EXPECT_EQ(j1["reason"], "won");
  ASSERT_EQ(j1["drained"].size(), 1u);
  EXPECT_EQ(j1["drained"][0]["lead_id"], "L-e2");  // first seen at minute 2, queued second
  EXPECT_EQ(j1["drained"][0]["member"], "an");
  EXPECT_EQ(field("e1", "st"), "closed");
  EXPECT_EQ(field("e2", "m"), "an");
  EXPECT_EQ(field("e3", "st"), "backlog");

  auto r2 = post("/v1/leads/L-e2/release", an_token);
  ASSERT_EQ(r2.status, 200u) << r2.body;
  ASSERT_EQ(body_of(r2)["drained"].size(), 1u);
  EXPECT_EQ(body_of(r2)["drained"][0]["lead_id"], "L-e3");

  // Releasing again changes nothing and drains nothing.
  auto again = post("/v1/leads/L-e1/release", an_token);
  ASSERT_EQ(again.status, 200u) << again.body;
  EXPECT_TRUE(body_of(again)["already_closed"].get<bool>());
  EXPECT_TRUE(body_of(again)["drained"].empty());

  EXPECT_EQ(post("/v1/leads/L-e3/release", an_token, R"({"reason":""})").status, 400u);
  EXPECT_EQ(post("/v1/leads/L-nope/release", an_token).status, 404u);
}

TEST_F(TeamRoutes, AdminReleasesAWaitingLead) {
  store_->seed(team("desk", {member("an", 1, 1)}));
  lead("e1", "desk", assign_strategy::round_robin, 1);
  lead("e2", "desk", assign_strategy::round_robin, 2);
  auto r = post("/v1/leads/L-e2/release", admin_token, R"({"reason":"spam"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(field("e2", "st"), "closed");
  EXPECT_EQ(store_->integer({"ZCARD", store::keys::backlog(store_->opts.tenant, "desk")}), 0);
  EXPECT_EQ(field("e1", "st"), "assigned");  // an's lead untouched
}

// The route reads the owner before it releases; the script checks it again, so a lead that
// moved in between (an SLA re-assignment) is not closed for its new member.
TEST_F(TeamRoutes, ReleaseChecksTheOwnerInTheSameStep) {
  store_->seed(team("desk", {member("an"), member("binh")}));
  ASSERT_EQ(lead("e1", "desk", assign_strategy::round_robin, 1).member, "an");
  // Named here: the coroutine keeps references to its arguments until it has run.
  const std::string ev = "e1", reason = "closed";
  const store::clock_point at = at_minute(2);
  auto r = store_->run<std::expected<std::vector<store::assignment>, core::error>>([&](store::redis_client& c) {
    return store::async_release(c, store_->opts, ev, reason, at, "binh");
  });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::errc::forbidden);
  EXPECT_EQ(field("e1", "st"), "assigned");
  EXPECT_EQ(store_->integer({"SCARD", store::keys::member_open(store_->opts.tenant, "desk", "an")}), 1);
}

}  // namespace
}  // namespace lg::test::teams
