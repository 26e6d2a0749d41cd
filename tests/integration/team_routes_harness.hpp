// Shared by the agents' team routes and the queues API tests: an in-process server whose config
// has admin, viewer and agent tokens (agents bound to members "an", "binh" and "chi"), plus an
// assign_env on the same tenant to seed teams and assign leads straight into the store. The
// definitions live in team_routes_harness.cpp (built once, in lg_integration_support).
#pragma once

#include "assign_harness.hpp"
#include "core/digest.hpp"
#include "support/test_server.hpp"
#include "support/http_test_client.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

namespace lg::test::teams {

inline const std::string admin_token = "admin-token-for-team-tests-0123456789";
inline const std::string viewer_token = "viewer-token-for-team-tests-0123456789";
inline const std::string an_token = "agent-an-token-for-team-tests-0123456789";
inline const std::string binh_token = "agent-binh-token-for-team-tests-012345678";
inline const std::string chi_token = "agent-chi-token-for-team-tests-0123456789";

nlohmann::json team_config_json(const std::string& redis_url);

class TeamRoutesTest : public ::testing::Test {
 public:
  void SetUp() override;

  http_answer call(http::verb method, const std::string& target, const std::string& token,
                   const std::string& body = {});
  http_answer post(const std::string& target, const std::string& token, const std::string& body = {}) {
    return call(http::verb::post, target, token, body);
  }
  http_answer get(const std::string& target, const std::string& token) { return call(http::verb::get, target, token); }

  // A lead of `team` assigned (or queued) at `minute` after the harness Monday; lead id "L-<ev>".
  store::assignment lead(const std::string& ev, const std::string& team, store::assign_strategy s, int minute,
                         int sla_minutes = 0);
  std::string field(const std::string& ev, const std::string& name);

  std::unique_ptr<test_server> server_;
  std::unique_ptr<assign_env> store_;
};

inline nlohmann::json body_of(const http_answer& a) { return nlohmann::json::parse(a.body); }

}  // namespace lg::test::teams
