// The team routes and queues API tests' config and fixture of team_routes_harness.hpp.
#include "team_routes_harness.hpp"

namespace lg::test::teams {

nlohmann::json team_config_json(const std::string& redis_url) {
  auto j = server_config_head(fresh_tenant(std::string("teams")), redis_url, 4096, "error");
  j["admin"] = {{"tokens",
                 {token_entry("root", "admin", admin_token), token_entry("ops", "viewer", viewer_token),
                  token_entry("an", "agent", an_token, "an"), token_entry("binh", "agent", binh_token, "binh"),
                  token_entry("chi", "agent", chi_token, "chi")}}};
  j["sources"] = nlohmann::json::array({phone_form_source()});
  return j;
}

void TeamRoutesTest::SetUp() {
  LG_REQUIRE_REDIS_URL(url);
  server_ = std::make_unique<test_server>(config::parse(team_config_json(url)));
  ASSERT_TRUE(server_->wait_ready());
  store_ = std::make_unique<assign_env>(server_->cfg().tenant);
}

http_answer TeamRoutesTest::call(http::verb method, const std::string& target, const std::string& token,
                                 const std::string& body) {
  std::map<std::string, std::string> h;
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  if (!body.empty()) h["Content-Type"] = "application/json";
  return http_request(server_->port(), method, target, body, h);
}

store::assignment TeamRoutesTest::lead(const std::string& ev, const std::string& team, store::assign_strategy s, int minute,
                                       int sla_minutes) {
  auto req = request(ev, team, s);
  req.sla_minutes = sla_minutes;
  return store_->assign(req, at_minute(minute));
}

std::string TeamRoutesTest::field(const std::string& ev, const std::string& name) {
  return store_->str({"HGET", store::keys::assignment(store_->opts.tenant, ev), name});
}

}  // namespace lg::test::teams
