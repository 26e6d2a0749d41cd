// Shared fixture of the rules and teams admin API tests: an in-process gateway on a real Redis
// with a unique tenant, three tokens (admin, viewer, agent of member a1), two seeded teams
// (hq: a1, a2 round robin; hcm: b1) and one rule sending Ho Chi Minh City to hcm; plus an
// assign_env on the same tenant for store calls. The definitions live in admin_rules_harness.cpp
// (built once, in lg_integration_support).
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

json rules_v1();

json config_json(const std::string& redis_url, const std::string& tenant);

class AdminRulesTest : public ::testing::Test {
 protected:
  void SetUp() override;

  http_answer call(http::verb method, const std::string& target, const std::string& body = {},
                   const std::string& token = admin_token, std::map<std::string, std::string> headers = {});
  json get_json(const std::string& target, const std::string& token = admin_token);
  http_answer put_rules(const json& set, const std::string& etag, const std::string& token = admin_token);

  std::string key(const std::string& suffix) const { return store::keys::prefix(tenant_) + suffix; }
  store::redis_reply redis_exec(std::vector<std::string> cmd) { return store_->exec(std::move(cmd)); }

  std::string url_;
  std::string tenant_;
  std::unique_ptr<test_server> server_;
  std::unique_ptr<assign_env> store_;
};

}  // namespace lg::test::admin_rules
