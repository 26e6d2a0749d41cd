// The rules and teams admin API tests' config and fixture of admin_rules_harness.hpp.
#include "admin_rules_harness.hpp"

namespace lg::test::admin_rules {

json rules_v1() {
  return json{{"default_team", "hq"},
              {"rules",
               {{{"name", "hcm-city"},
                 {"conditions", {{"any", {{{"field", "contact.city"}, {"op", "in"}, {"value", {"Hồ Chí Minh", "HCM"}}}}}}},
                 {"action", {{"team", "hcm"}, {"strategy", "round_robin"}, {"sla_minutes", 15}}}}}}};
}

json config_json(const std::string& redis_url, const std::string& tenant) {
  return json{
      {"tenant", tenant},
      {"server", {{"listen", "127.0.0.1"}, {"port", 0}, {"threads", 1}, {"body_limit", 65536}}},
      {"redis", {{"url", redis_url}, {"connect_timeout_ms", 500}, {"command_timeout_ms", 2000}}},
      {"logging", {{"level", "warn"}, {"format", "json"}}},
      {"admin",
       {{"tokens",
         {{{"name", "alice"}, {"role", "admin"}, {"sha256", core::sha256_hex(admin_token)}},
          {{"name", "victor"}, {"role", "viewer"}, {"sha256", core::sha256_hex(viewer_token)}},
          {{"name", "agnes"}, {"role", "agent"}, {"member", "a1"}, {"sha256", core::sha256_hex(agent_token)}}}}}},
      {"teams",
       {{{"id", "hq"}, {"name", "Hà Nội"}, {"members", {{{"id", "a1"}, {"crm_user_id", "u-a1"}}, {{"id", "a2"}, {"crm_user_id", "u-a2"}}}}},
        {{"id", "hcm"}, {"members", {{{"id", "b1"}, {"crm_user_id", "u-b1"}}}}}}},
      {"routing", rules_v1()},
      {"sources", {{{"id", "website"}, {"channel", "web_form"}, {"field_map", {{"phone", {"phone"}}}}, {"required", {"phone"}}}}},
  };
}

void AdminRulesTest::SetUp() {
  url_ = redis_url();
  ASSERT_FALSE(url_.empty()) << "LG_TEST_REDIS_URL is not set";
  tenant_ = fresh_tenant(std::string_view("rules"));
  server_ = std::make_unique<test_server>(config::parse(config_json(url_, tenant_)));
  ASSERT_TRUE(server_->wait_ready());
  store_ = std::make_unique<assign_env>(tenant_);
}

http_answer AdminRulesTest::call(http::verb method, const std::string& target, const std::string& body,
                                 const std::string& token, std::map<std::string, std::string> headers) {
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  if (!body.empty()) headers["Content-Type"] = "application/json";
  return http_request(server_->port(), method, target, body, headers);
}

json AdminRulesTest::get_json(const std::string& target, const std::string& token) {
  auto a = call(http::verb::get, target, {}, token);
  EXPECT_EQ(a.status, 200u) << target << ": " << a.body;
  return json::parse(a.body, nullptr, false);
}

http_answer AdminRulesTest::put_rules(const json& set, const std::string& etag, const std::string& token) {
  std::map<std::string, std::string> h;
  if (!etag.empty()) h["If-Match"] = etag;
  return call(http::verb::put, "/admin/v1/rules", set.dump(), token, h);
}

}  // namespace lg::test::admin_rules
