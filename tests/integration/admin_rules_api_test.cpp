// The rules admin API against a real Redis: seeded from the config as version 1 with an ETag,
// If-Match required (428) and checked (412), validation problems with their paths, the dry-run
// trace and member prediction (no side effects; the prediction is what a real assignment then
// does), history and rollback, audit entries with diffs, and the roles.
#include "admin_rules_harness.hpp"

namespace lg::test::admin_rules {
namespace {

using http::verb;

TEST_F(AdminRulesTest, GetAnswersTheSeededSetWithItsEtag) {
  auto a = call(verb::get, "/admin/v1/rules", {}, viewer_token);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(a.header("ETag"), "\"1\"");
  auto j = json::parse(a.body);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["updated_by"], "config");
  EXPECT_EQ(j["rules"], rules_v1());
}

TEST_F(AdminRulesTest, PutNeedsIfMatchAndTheCurrentVersion) {
  json next = rules_v1();
  next["default_team"] = "hcm";

  auto missing = put_rules(next, "");
  EXPECT_EQ(missing.status, 428u) << missing.body;
  auto stale = put_rules(next, "\"7\"");
  EXPECT_EQ(stale.status, 412u) << stale.body;
  EXPECT_EQ(json::parse(stale.body)["error"]["code"], "precondition_failed");
  EXPECT_EQ(stale.header("ETag"), "\"1\"");

  auto ok = put_rules(next, "\"1\"");
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.header("ETag"), "\"2\"");
  EXPECT_EQ(json::parse(ok.body)["version"], 2);

  // The same ETag again is now stale: a lost update is refused.
  auto again = put_rules(rules_v1(), "\"1\"");
  EXPECT_EQ(again.status, 412u) << again.body;
  auto cur = get_json("/admin/v1/rules");
  EXPECT_EQ(cur["version"], 2);
  EXPECT_EQ(cur["rules"]["default_team"], "hcm");
  EXPECT_EQ(cur["updated_by"], "alice");
}

TEST_F(AdminRulesTest, ValidationNamesEveryProblemWithItsPath) {
  json bad = rules_v1();
  bad["rules"][0]["conditions"]["any"].push_back({{"field", "source"}, {"op", "contains_any"}, {"value", "x"}});
  bad["rules"][0]["action"]["team"] = "nowhere";

  auto v = call(verb::post, "/admin/v1/rules/validate", bad.dump(), viewer_token);
  ASSERT_EQ(v.status, 200u) << v.body;
  auto vj = json::parse(v.body);
  EXPECT_FALSE(vj["ok"].get<bool>());
  const auto problems = vj["problems"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(problems.begin(), problems.end(),
                      "rules[0].conditions.any[1].op: unknown operator 'contains_any'"),
            problems.end())
      << v.body;
  EXPECT_NE(std::find(problems.begin(), problems.end(), "rules[0].action.team: unknown team 'nowhere'"),
            problems.end())
      << v.body;

  auto p = put_rules(bad, "\"1\"");
  ASSERT_EQ(p.status, 400u) << p.body;
  auto pj = json::parse(p.body);
  EXPECT_EQ(pj["error"]["code"], "invalid_field");
  EXPECT_EQ(pj["problems"].get<std::vector<std::string>>(), problems);
  EXPECT_NE(pj["error"]["message"].get<std::string>().find("contains_any"), std::string::npos);
  EXPECT_NE(pj["error"]["message"].get<std::string>().find("nowhere"), std::string::npos);

  auto good = call(verb::post, "/admin/v1/rules/validate", rules_v1().dump(), viewer_token);
  EXPECT_TRUE(json::parse(good.body)["ok"].get<bool>()) << good.body;
  // Neither validate nor the refused PUT wrote anything.
  EXPECT_EQ(get_json("/admin/v1/rules")["version"], 1);
  EXPECT_EQ(call(verb::post, "/admin/v1/rules/validate", "not json", viewer_token).status, 400u);
}

json sample_lead(const std::string& city) {
  return json{{"event_id", "web_form:test:1"}, {"channel", "web_form"}, {"source", "website"},
              {"received_at", "2026-03-02T03:00:00.000Z"}, {"contact", {{"full_name", "Trần Bình"}, {"city", city}}}};
}

TEST_F(AdminRulesTest, DryRunTracesEveryRuleAndPredictsTheMember) {
  // "Ho Chi Minh" (no diacritics) matches "Hồ Chí Minh": folded comparison.
  json req{{"lead", sample_lead("Ho Chi Minh")}};
  auto a = call(verb::post, "/admin/v1/rules/test", req.dump(), viewer_token);
  ASSERT_EQ(a.status, 200u) << a.body;
  auto j = json::parse(a.body);
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["decision"]["rule"], "hcm-city");
  EXPECT_EQ(j["decision"]["team"], "hcm");
  EXPECT_EQ(j["decision"]["sla_minutes"], 15);
  ASSERT_EQ(j["trace"].size(), 1u);
  EXPECT_TRUE(j["trace"][0]["matched"].get<bool>());
  EXPECT_FALSE(j["trace"][0]["reasons"].empty());
  EXPECT_EQ(j["assignment"]["outcome"], "assigned");
  EXPECT_EQ(j["assignment"]["member"], "b1");

  // Elsewhere: the rule does not match (and says why), the default team's round robin.
  json hn{{"lead", sample_lead("Hà Nội")}};
  auto b = json::parse(call(verb::post, "/admin/v1/rules/test", hn.dump(), viewer_token).body);
  EXPECT_EQ(b["decision"]["rule"], "default");
  EXPECT_EQ(b["decision"]["team"], "hq");
  EXPECT_FALSE(b["trace"][0]["matched"].get<bool>());
  const std::string why = b["trace"][0]["reasons"].dump();
  EXPECT_NE(why.find("contact.city"), std::string::npos) << why;
  ASSERT_EQ(b["assignment"]["outcome"], "assigned") << b.dump();
  const std::string predicted = b["assignment"]["member"];

  // No side effects: no queue entry, no assignment record, the cursor untouched.
  EXPECT_EQ(redis_exec({"EXISTS", key("q:hq"), key("q:hcm"), key("asg:web_form:test:1")}).integer, 0);
  EXPECT_TRUE(redis_exec({"HGET", key("tm:hq"), "rr"}).is_nil());

  // The prediction is what a real assignment does; afterwards it predicts the next member.
  const auto real = store_->assign(request("web_form:real:1", "hq"), at_minute(600));
  EXPECT_EQ(real.member, predicted);
  auto c = json::parse(call(verb::post, "/admin/v1/rules/test", hn.dump(), viewer_token).body);
  EXPECT_NE(c["assignment"]["member"], predicted) << c.dump();
  EXPECT_EQ(c["assignment"]["member"], predicted == "a1" ? "a2" : "a1");
}

TEST_F(AdminRulesTest, DryRunOfADraftAndBadInput) {
  json draft = rules_v1();
  draft["rules"][0]["enabled"] = false;
  json req{{"lead", sample_lead("HCM")}, {"rules", draft}};
  auto j = json::parse(call(verb::post, "/admin/v1/rules/test", req.dump(), viewer_token).body);
  EXPECT_TRUE(j["draft"].get<bool>());
  EXPECT_EQ(j["decision"]["team"], "hq");
  EXPECT_FALSE(j["trace"][0]["enabled"].get<bool>());

  EXPECT_EQ(call(verb::post, "/admin/v1/rules/test", "{}", viewer_token).status, 400u);
  json bad_lead{{"lead", {{"channel", "carrier-pigeon"}}}};
  EXPECT_EQ(call(verb::post, "/admin/v1/rules/test", bad_lead.dump(), viewer_token).status, 400u);
  json bad_at{{"lead", sample_lead("HCM")}, {"at", "yesterday"}};
  EXPECT_EQ(call(verb::post, "/admin/v1/rules/test", bad_at.dump(), viewer_token).status, 400u);
}

TEST_F(AdminRulesTest, RollbackWritesANewVersionEqualToTheOldOne) {
  json v2 = rules_v1();
  v2["rules"][0]["action"]["sla_minutes"] = 30;
  ASSERT_EQ(put_rules(v2, "\"1\"").status, 200u);

  auto rb = call(verb::post, "/admin/v1/rules/rollback/1");
  ASSERT_EQ(rb.status, 200u) << rb.body;
  EXPECT_EQ(rb.header("ETag"), "\"3\"");
  EXPECT_EQ(json::parse(rb.body)["restored_version"], 1);
  auto cur = get_json("/admin/v1/rules");
  EXPECT_EQ(cur["version"], 3);
  EXPECT_EQ(cur["rules"], rules_v1());

  auto h = get_json("/admin/v1/rules/history", viewer_token);
  ASSERT_EQ(h["versions"].size(), 3u);
  EXPECT_EQ(h["versions"][0]["version"], 3);
  EXPECT_EQ(h["versions"][0]["author"], "alice");
  EXPECT_EQ(h["versions"][2]["author"], "config");
  EXPECT_EQ(get_json("/admin/v1/rules/history/2")["rules"], v2);

  EXPECT_EQ(call(verb::post, "/admin/v1/rules/rollback/99").status, 404u);
  EXPECT_EQ(call(verb::post, "/admin/v1/rules/rollback/zero").status, 400u);
  EXPECT_EQ(call(verb::get, "/admin/v1/rules/history?limit=0").status, 400u);
}

TEST_F(AdminRulesTest, AuditRecordsWhoChangedWhatWithTheDiff) {
  json v2 = rules_v1();
  v2["rules"][0]["action"]["sla_minutes"] = 30;
  ASSERT_EQ(put_rules(v2, "\"1\"").status, 200u);
  ASSERT_EQ(call(verb::post, "/admin/v1/rules/rollback/1").status, 200u);

  auto a = get_json("/admin/v1/audit?limit=10", viewer_token);
  std::vector<json> rules_entries;
  for (const auto& e : a["entries"]) {
    if (e["target"] == "rules") rules_entries.push_back(e);
  }
  ASSERT_EQ(rules_entries.size(), 3u) << a.dump();  // newest first: rollback, put, seed
  EXPECT_EQ(rules_entries[0]["action"], "rules.rollback");
  EXPECT_EQ(rules_entries[0]["version"], 3);
  EXPECT_EQ(rules_entries[0]["detail"]["restored_version"], 1);
  EXPECT_EQ(rules_entries[1]["action"], "rules.put");
  EXPECT_EQ(rules_entries[1]["actor"], "alice");
  const json expected_patch = json::array(
      {{{"op", "replace"}, {"path", "/rules/0/action/sla_minutes"}, {"value", 30}}});
  EXPECT_EQ(rules_entries[1]["detail"]["diff"], expected_patch);
  EXPECT_EQ(rules_entries[0]["detail"]["diff"][0]["value"], 15);
  EXPECT_EQ(rules_entries[2]["action"], "rules.seed");
  EXPECT_EQ(rules_entries[2]["actor"], "config");
  EXPECT_EQ(call(verb::get, "/admin/v1/audit?limit=500").status, 400u);
}

TEST_F(AdminRulesTest, RolesAreEnforced) {
  EXPECT_EQ(call(verb::get, "/admin/v1/rules", {}, "").status, 401u);
  EXPECT_EQ(call(verb::get, "/admin/v1/rules", {}, "wrong-token-wrong-token-wrong").status, 401u);
  EXPECT_EQ(call(verb::get, "/admin/v1/rules", {}, agent_token).status, 200u);
  EXPECT_EQ(put_rules(rules_v1(), "\"1\"", viewer_token).status, 403u);
  EXPECT_EQ(put_rules(rules_v1(), "\"1\"", agent_token).status, 403u);
  EXPECT_EQ(call(verb::post, "/admin/v1/rules/rollback/1", {}, viewer_token).status, 403u);
  EXPECT_EQ(call(verb::get, "/admin/v1/audit", {}, "").status, 401u);
  EXPECT_EQ(call(verb::post, "/admin/v1/rules/test", "{}", "").status, 401u);
  EXPECT_EQ(get_json("/admin/v1/rules")["version"], 1);
}

// 401 and 403 say why, as JSON errors; a 401 names the scheme.
TEST_F(AdminRulesTest, AuthFailuresAreClearJsonErrors) {
  auto none = call(verb::get, "/admin/v1/rules", {}, "");
  ASSERT_EQ(none.status, 401u);
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer realm=\"leadgate\"");
  auto nj = json::parse(none.body);
  EXPECT_EQ(nj["error"]["code"], "unauthorized");
  EXPECT_NE(nj["error"]["message"].get<std::string>().find("Bearer"), std::string::npos) << none.body;

  auto viewer = put_rules(rules_v1(), "\"1\"", viewer_token);
  ASSERT_EQ(viewer.status, 403u);
  auto vj = json::parse(viewer.body);
  EXPECT_EQ(vj["error"]["code"], "forbidden");
  EXPECT_NE(vj["error"]["message"].get<std::string>().find("viewer"), std::string::npos) << viewer.body;
  EXPECT_NE(vj["error"]["message"].get<std::string>().find("admin"), std::string::npos) << viewer.body;
  // The refused writer learns nothing about the body: the role is checked first.
  EXPECT_EQ(call(verb::put, "/admin/v1/rules", "not json", viewer_token).status, 403u);
}

// Malformed bodies and wrong types are 400s naming the field, never a 500.
TEST_F(AdminRulesTest, MalformedBodiesAreRefusedWithTheirPath) {
  auto not_json = call(verb::put, "/admin/v1/rules", "{oops", admin_token, {{"If-Match", "\"1\""}});
  ASSERT_EQ(not_json.status, 400u) << not_json.body;
  EXPECT_EQ(json::parse(not_json.body)["error"]["code"], "bad_request");

  json wrong_types = rules_v1();
  wrong_types["rules"][0]["conditions"]["any"][0]["op"] = 5;
  wrong_types["default_action"] = "fast";
  auto a = put_rules(wrong_types, "\"1\"");
  ASSERT_EQ(a.status, 400u) << a.body;
  const auto problems = json::parse(a.body)["problems"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(problems.begin(), problems.end(), "rules[0].conditions.any[0].op: must be a string"),
            problems.end())
      << a.body;
  EXPECT_NE(std::find(problems.begin(), problems.end(), "default_action: must be an object"), problems.end())
      << a.body;
  EXPECT_EQ(json::parse(a.body)["error"]["field"], problems.front().substr(0, problems.front().find(':')));

  auto weird_tag = put_rules(rules_v1(), "*");
  EXPECT_EQ(weird_tag.status, 412u) << weird_tag.body;
  EXPECT_EQ(json::parse(weird_tag.body)["error"]["field"], "If-Match");

  json draft_bad{{"lead", {{"channel", "web_form"}}}, {"rules", {{"rules", json::array()}}}};
  auto d = call(verb::post, "/admin/v1/rules/test", draft_bad.dump(), viewer_token);
  ASSERT_EQ(d.status, 400u) << d.body;
  EXPECT_EQ(json::parse(d.body)["error"]["field"], "rules.default_team") << d.body;
  EXPECT_EQ(get_json("/admin/v1/rules")["version"], 1);
}

// A rollback checks If-Match when given, like PUT, and refuses a set the current teams no
// longer allow.
TEST_F(AdminRulesTest, RollbackHonoursIfMatchAndTheCurrentTeams) {
  json v2 = rules_v1();
  v2["default_team"] = "hcm";
  ASSERT_EQ(put_rules(v2, "\"1\"").status, 200u);
  auto stale = call(verb::post, "/admin/v1/rules/rollback/1", {}, admin_token, {{"If-Match", "\"1\""}});
  EXPECT_EQ(stale.status, 412u) << stale.body;
  EXPECT_EQ(stale.header("ETag"), "\"2\"");
  EXPECT_EQ(get_json("/admin/v1/rules")["version"], 2);

  // Version 2 no longer names hq; once hq is gone, version 1 (which does) cannot come back.
  ASSERT_EQ(call(verb::delete_, "/admin/v1/teams/hq").status, 200u);
  auto refused = call(verb::post, "/admin/v1/rules/rollback/1", {}, admin_token, {{"If-Match", "\"2\""}});
  ASSERT_EQ(refused.status, 400u) << refused.body;
  EXPECT_NE(refused.body.find("unknown team 'hq'"), std::string::npos) << refused.body;
  EXPECT_EQ(get_json("/admin/v1/rules")["version"], 2);
}

// The watcher of a process picks a published change up well within a second.
TEST_F(AdminRulesTest, WatcherAppliesAPublishedChange) {
  auto opts = store::redis_options::from_url(url_);
  ASSERT_TRUE(opts.has_value());
  auto live = std::make_shared<pipeline::live_rules>(1, server_->cfg().routing);
  auto stage = pipeline::assign_stage::create(server_->cfg().routing, server_->cfg().teams, {});
  pipeline::rules_watcher_options wo;
  wo.tenant = tenant_;
  wo.poll_interval = std::chrono::seconds(30);  // only the notice can be fast enough
  pipeline::rules_watcher watcher(*opts, wo, live, stage);
  watcher.start();
  const auto subscribe_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!watcher.subscribed() && std::chrono::steady_clock::now() < subscribe_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(watcher.subscribed());

  json next = rules_v1();
  next["default_team"] = "hcm";
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(put_rules(next, "\"1\"").status, 200u);
  while (live->get().version != 2 && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(live->get().version, 2);
  EXPECT_LT(took, std::chrono::seconds(1));
  EXPECT_EQ(live->get().rules->default_team, "hcm");
  EXPECT_EQ(stage->rules()->default_team, "hcm");
  watcher.stop();
}

}  // namespace
}  // namespace lg::test::admin_rules
