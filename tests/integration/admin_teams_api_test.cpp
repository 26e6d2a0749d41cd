// Teams and members admin API against a real Redis: listing the config seed, creating and
// replacing a team (the assignment engine sees it), validation with paths, deletes refused
// while rules or leads use a team, member edits and away/active, audit entries, roles.
#include "admin_rules_harness.hpp"

namespace lg::test::admin_rules {
namespace {

using http::verb;

using AdminTeamsTest = AdminRulesTest;

json team_dn() {
  return json{{"name", "Đà Nẵng"},
              {"members",
               {{{"id", "d1"}, {"crm_user_id", "u-d1"}, {"weight", 2}, {"capacity", 5}},
                {{"id", "d2"}, {"crm_user_id", "u-d2"}}}}};
}

TEST_F(AdminTeamsTest, ListsTheConfiguredTeams) {
  auto j = get_json("/admin/v1/teams", viewer_token);
  ASSERT_EQ(j["teams"].size(), 2u) << j.dump();
  EXPECT_EQ(j["teams"][0]["id"], "hcm");
  EXPECT_EQ(j["teams"][1]["id"], "hq");
  EXPECT_EQ(j["teams"][1]["name"], "Hà Nội");
  EXPECT_EQ(j["teams"][1]["members"].size(), 2u);
  EXPECT_EQ(get_json("/admin/v1/teams/hcm")["members"][0]["id"], "b1");
  EXPECT_EQ(call(verb::get, "/admin/v1/teams/nope").status, 404u);
}

TEST_F(AdminTeamsTest, PutCreatesAndReplacesATeamTheEngineUses) {
  auto created = call(verb::put, "/admin/v1/teams/dn", team_dn().dump());
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(store_->available("dn", at_minute(600)), (std::vector<std::string>{"d1", "d2"}));
  EXPECT_EQ(get_json("/admin/v1/teams/dn")["members"][0]["capacity"], 5);

  json smaller = team_dn();
  smaller["members"].erase(1);
  auto replaced = call(verb::put, "/admin/v1/teams/dn", smaller.dump());
  ASSERT_EQ(replaced.status, 200u) << replaced.body;
  EXPECT_EQ(store_->available("dn", at_minute(600)), (std::vector<std::string>{"d1"}));

  // Rules may now name the new team.
  json rules = rules_v1();
  rules["default_team"] = "dn";
  EXPECT_EQ(put_rules(rules, "\"1\"").status, 200u);

  auto audit = get_json("/admin/v1/audit?limit=5");
  bool seen = false;
  for (const auto& e : audit["entries"]) {
    if (e["action"] == "team.put" && e["target"] == "team:dn" && e["actor"] == "alice" &&
        e["detail"]["diff"].dump().find("/members/1") != std::string::npos) {
      seen = true;
    }
  }
  EXPECT_TRUE(seen) << audit.dump();
}

TEST_F(AdminTeamsTest, InvalidTeamsAreRefusedWithPaths) {
  json bad = team_dn();
  bad["members"][0]["weight"] = -1;
  bad["members"][1]["id"] = "d1";
  auto a = call(verb::put, "/admin/v1/teams/dn", bad.dump());
  ASSERT_EQ(a.status, 400u) << a.body;
  const std::string problems = json::parse(a.body)["problems"].dump();
  EXPECT_NE(problems.find("members[0].weight"), std::string::npos) << problems;
  EXPECT_NE(problems.find("members[1].id"), std::string::npos) << problems;

  json other = team_dn();
  other["id"] = "elsewhere";
  EXPECT_EQ(call(verb::put, "/admin/v1/teams/dn", other.dump()).status, 400u);
  json fb = team_dn();
  fb["fallback_team"] = "ghost";
  EXPECT_EQ(call(verb::put, "/admin/v1/teams/dn", fb.dump()).status, 400u);
  EXPECT_EQ(call(verb::put, "/admin/v1/teams/dn", "[1,2]").status, 400u);
  EXPECT_EQ(call(verb::get, "/admin/v1/teams/dn").status, 404u);
}

TEST_F(AdminTeamsTest, DeleteIsRefusedWhileRulesOrLeadsUseTheTeam) {
  auto used = call(verb::delete_, "/admin/v1/teams/hcm");
  ASSERT_EQ(used.status, 409u) << used.body;
  EXPECT_NE(used.body.find("hcm-city"), std::string::npos) << used.body;

  ASSERT_EQ(call(verb::put, "/admin/v1/teams/dn", team_dn().dump()).status, 201u);
  // A lead open with a member of dn keeps the team.
  const auto a = store_->assign(request("web_form:dn:1", "dn"), at_minute(600));
  ASSERT_FALSE(a.member.empty());
  auto busy = call(verb::delete_, "/admin/v1/teams/dn");
  EXPECT_EQ(busy.status, 409u) << busy.body;
  auto busy_member = call(verb::delete_, "/admin/v1/teams/dn/members/" + a.member);
  EXPECT_EQ(busy_member.status, 409u) << busy_member.body;

  ASSERT_TRUE(store_->release("web_form:dn:1", at_minute(601)).has_value());
  auto gone = call(verb::delete_, "/admin/v1/teams/dn");
  ASSERT_EQ(gone.status, 200u) << gone.body;
  EXPECT_EQ(redis_exec({"SISMEMBER", key("teams"), "dn"}).integer, 0);
  EXPECT_EQ(redis_exec({"EXISTS", key("tm:dn"), key("mb:dn:d1")}).integer, 0);
  EXPECT_EQ(call(verb::get, "/admin/v1/teams/dn").status, 404u);
  EXPECT_EQ(call(verb::delete_, "/admin/v1/teams/dn").status, 404u);
}

TEST_F(AdminTeamsTest, MembersAreEditedAndSetAway) {
  auto added = call(verb::put, "/admin/v1/teams/hq/members/a3", json{{"crm_user_id", "u-a3"}, {"weight", 3}}.dump());
  ASSERT_EQ(added.status, 201u) << added.body;
  EXPECT_EQ(store_->available("hq", at_minute(600)), (std::vector<std::string>{"a1", "a2", "a3"}));
  auto bad = call(verb::put, "/admin/v1/teams/hq/members/a3", json{{"capacity", "lots"}}.dump());
  EXPECT_EQ(bad.status, 400u) << bad.body;

  auto away = call(verb::post, "/admin/v1/teams/hq/members/a2/state", json{{"state", "away"}}.dump());
  ASSERT_EQ(away.status, 200u) << away.body;
  EXPECT_EQ(store_->available("hq", at_minute(600)), (std::vector<std::string>{"a1", "a3"}));
  EXPECT_EQ(get_json("/admin/v1/teams/hq")["members"][1]["state"], "away");
  EXPECT_EQ(call(verb::post, "/admin/v1/teams/hq/members/a2/state", json{{"state", "asleep"}}.dump()).status, 400u);
  EXPECT_EQ(call(verb::post, "/admin/v1/teams/hq/members/zz/state", json{{"state", "away"}}.dump()).status, 404u);

  // An agent sets its own state, not another's.
  EXPECT_EQ(call(verb::post, "/admin/v1/teams/hq/members/a1/state", json{{"state", "away"}}.dump(), agent_token).status,
            200u);
  EXPECT_EQ(call(verb::post, "/admin/v1/teams/hq/members/a2/state", json{{"state", "active"}}.dump(), agent_token).status,
            403u);
  EXPECT_EQ(store_->available("hq", at_minute(600)), (std::vector<std::string>{"a3"}));

  auto removed = call(verb::delete_, "/admin/v1/teams/hq/members/a3");
  ASSERT_EQ(removed.status, 200u) << removed.body;
  EXPECT_TRUE(store_->available("hq", at_minute(600)).empty());
  EXPECT_EQ(get_json("/admin/v1/teams/hq")["members"].size(), 2u);
  EXPECT_EQ(call(verb::delete_, "/admin/v1/teams/hq/members/a3").status, 404u);
}

// A fallback team that exists is accepted and reaches the engine (SLA escalation target);
// wrong types are 400s with their path, not 500s.
TEST_F(AdminTeamsTest, FallbackTeamAndFieldTypes) {
  json dn = team_dn();
  dn["fallback_team"] = "hq";
  auto created = call(verb::put, "/admin/v1/teams/dn", dn.dump());
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_EQ(json::parse(created.body)["fallback_team"], "hq");
  EXPECT_EQ(redis_exec({"HGET", key("tm:dn"), "fb"}).str, "hq");
  EXPECT_EQ(get_json("/admin/v1/teams/dn")["fallback_team"], "hq");

  json self = team_dn();
  self["fallback_team"] = "dn";
  auto selfish = call(verb::put, "/admin/v1/teams/dn", self.dump());
  ASSERT_EQ(selfish.status, 400u) << selfish.body;
  EXPECT_EQ(json::parse(selfish.body)["problems"][0], "fallback_team: must be another team");

  json typed = team_dn();
  typed["name"] = 5;
  typed["members"][1]["crm_user_id"] = json::array();
  typed["fallback_team"] = 7;
  auto a = call(verb::put, "/admin/v1/teams/dn", typed.dump());
  ASSERT_EQ(a.status, 400u) << a.body;
  EXPECT_EQ(json::parse(a.body)["error"]["field"], "fallback_team") << a.body;
  typed.erase("fallback_team");
  auto b = call(verb::put, "/admin/v1/teams/dn", typed.dump());
  ASSERT_EQ(b.status, 400u) << b.body;
  const auto problems = json::parse(b.body)["problems"].get<std::vector<std::string>>();
  EXPECT_EQ(problems, (std::vector<std::string>{"name: must be a string", "members[1].crm_user_id: must be a string"}));
  auto m = call(verb::put, "/admin/v1/teams/hq/members/a1", json{{"name", json::object()}}.dump());
  EXPECT_EQ(m.status, 400u) << m.body;
  // Nothing of the refused edits was written.
  EXPECT_EQ(get_json("/admin/v1/teams/dn")["name"], "Đà Nẵng");
  EXPECT_EQ(get_json("/admin/v1/teams/hq")["members"][0]["name"], "a1");

  // A team that is another's fallback stays.
  json dn2 = team_dn();
  dn2["fallback_team"] = "dn";
  ASSERT_EQ(call(verb::put, "/admin/v1/teams/dn2", dn2.dump()).status, 201u);
  auto used = call(verb::delete_, "/admin/v1/teams/dn");
  ASSERT_EQ(used.status, 409u) << used.body;
  EXPECT_NE(used.body.find("team dn2 fallback_team"), std::string::npos) << used.body;
}

// Replacing a team may not silently drop a member who still holds open leads.
TEST_F(AdminTeamsTest, PutRefusesToDropAMemberWithOpenLeads) {
  ASSERT_EQ(call(verb::put, "/admin/v1/teams/dn", team_dn().dump()).status, 201u);
  const auto a = store_->assign(request("web_form:dn:2", "dn"), at_minute(600));
  ASSERT_FALSE(a.member.empty());
  json without = team_dn();
  auto& members = without["members"];
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (members[i]["id"] == a.member) members.erase(i);
  }
  auto refused = call(verb::put, "/admin/v1/teams/dn", without.dump());
  ASSERT_EQ(refused.status, 409u) << refused.body;
  EXPECT_NE(refused.body.find(a.member + " (1 open)"), std::string::npos) << refused.body;
  EXPECT_EQ(get_json("/admin/v1/teams/dn")["members"].size(), 2u);

  ASSERT_TRUE(store_->release("web_form:dn:2", at_minute(601)).has_value());
  auto ok = call(verb::put, "/admin/v1/teams/dn", without.dump());
  EXPECT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(get_json("/admin/v1/teams/dn")["members"].size(), 1u);
}

TEST_F(AdminTeamsTest, WritesNeedAnAdmin) {
  EXPECT_EQ(call(verb::get, "/admin/v1/teams", {}, "").status, 401u);
  EXPECT_EQ(call(verb::put, "/admin/v1/teams/dn", team_dn().dump(), viewer_token).status, 403u);
  EXPECT_EQ(call(verb::delete_, "/admin/v1/teams/hq", {}, viewer_token).status, 403u);
  EXPECT_EQ(call(verb::put, "/admin/v1/teams/hq/members/x", "{}", agent_token).status, 403u);
  EXPECT_EQ(call(verb::post, "/admin/v1/teams/hq/members/a1/state", json{{"state", "away"}}.dump(), viewer_token).status,
            403u);
  EXPECT_EQ(get_json("/admin/v1/teams")["teams"].size(), 2u);
}

}  // namespace
}  // namespace lg::test::admin_rules
