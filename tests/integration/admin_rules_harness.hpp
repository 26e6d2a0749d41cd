// Shared fixture of the rules and teams admin API tests: an in-process gateway on a real Redis
// with a unique tenant, three tokens (admin, viewer, agent of member a1), two seeded teams
// (hq: a1, a2 round robin; hcm: b1) and one rule sending Ho Chi Minh City to hcm; plus an
// assign_env on the same tenant for store calls.
#pragma once

#include "assign_harness.hpp"
#include "core/digest.hpp"
#include "support/test_server.hpp"
#include "pipeline/rules_watcher.hpp"
#include "store/keys.hpp"
#include "support/http_test_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

namespace lg::test::admin_rules {

using nlohmann::json;

inline const std::string admin_token = "admin-token-for-rules-tests-0123456789";
inline const std::string viewer_token = "viewer-token-for-rules-tests-0123456789";
inline const std::string agent_token = "agent-token-for-rules-tests-0123456789";

inline json rules_v1() {
  return json{{"default_team", "hq"},
              {"rules",
               {{{"name", "hcm-city"},
                 {"conditions", {{"any", {{{"field", "contact.city"}, {"op", "in"}, {"value", {"Hồ Chí Minh", "HCM"}}}}}}},
                 {"action", {{"team", "hcm"}, {"strategy", "round_robin"}, {"sla_minutes", 15}}}}}}};
}

inline json config_json(const std::string& redis_url, const std::string& tenant) {
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

class AdminRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = redis_url();
    ASSERT_FALSE(url_.empty()) << "LG_TEST_REDIS_URL is not set";
    tenant_ = fresh_tenant(std::string_view("rules"));
    server_ = std::make_unique<test_server>(config::parse(config_json(url_, tenant_)));
    ASSERT_TRUE(server_->wait_ready());
    store_ = std::make_unique<assign_env>(tenant_);
  }

  http_answer call(http::verb method, const std::string& target, const std::string& body = {},
                   const std::string& token = admin_token, std::map<std::string, std::string> headers = {}) {
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    if (!body.empty()) headers["Content-Type"] = "application/json";
    return http_request(server_->port(), method, target, body, headers);
  }
  json get_json(const std::string& target, const std::string& token = admin_token) {
    auto a = call(http::verb::get, target, {}, token);
    EXPECT_EQ(a.status, 200u) << target << ": " << a.body;
    return json::parse(a.body, nullptr, false);
  }
  http_answer put_rules(const json& set, const std::string& etag, const std::string& token = admin_token) {
    std::map<std::string, std::string> h;
    if (!etag.empty()) h["If-Match"] = etag;
    return call(http::verb::put, "/admin/v1/rules", set.dump(), token, h);
  }

  std::string key(const std::string& suffix) const { return store::keys::prefix(tenant_) + suffix; }
  store::redis_reply redis_exec(std::vector<std::string> cmd) { return store_->exec(std::move(cmd)); }

  std::string url_;
  std::string tenant_;
  std::unique_ptr<test_server> server_;
  std::unique_ptr<assign_env> store_;
};

}  // namespace lg::test::admin_rules
