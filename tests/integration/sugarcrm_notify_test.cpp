// POST /v1/sync/{destination} through the HTTP server: bearer-authenticated change
// notifications schedule a pull (poke on lg:{t}:sync:<d>); bad input gets a clear error.
#include "delivery_harness.hpp"
#include "store/sync_state.hpp"
#include "support/test_server.hpp"

#include <gtest/gtest.h>

namespace lg::test {
namespace {

class sugarcrm_notify_test : public delivery_test {
 protected:
  config::config server_config() const {
    auto cfg = test_config(url_);
    cfg.tenant = tenant_;
    auto d = destination("crm", "http://127.0.0.1:9/");
    d.type = "sugarcrm";
    d.secrets.clear();
    d.direction = "two_way";
    d.credentials = {{"password", "pw"}, {"notify_secret", "n0tify-s3cret-token"}};
    auto push_only = d;
    push_only.id = "push-only";
    push_only.direction = "push";
    cfg.destinations = {d, push_only};
    return cfg;
  }
  std::string poke() { return exec({"HGET", store::sync_keys::state(tenant_, "crm"), "poke"}).value_or(store::redis_reply{}).str; }
};

TEST_F(sugarcrm_notify_test, ABearerNotificationSchedulesAPullAndBadOnesAreRefused) {
  test_server srv(server_config());
  ASSERT_TRUE(srv.wait_ready());
  const std::map<std::string, std::string> good{{"authorization", "Bearer n0tify-s3cret-token"},
                                                {"content-type", "application/json"}};

  auto none = http_request(srv.port(), http::verb::post, "/v1/sync/crm", R"({"id":"lead-1"})");
  EXPECT_EQ(none.status, 401u);
  EXPECT_NE(none.body.find("\"unauthorized\""), std::string::npos) << none.body;
  EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer");
  auto wrong = http_request(srv.port(), http::verb::post, "/v1/sync/crm", "{}",
                            {{"authorization", "Bearer n0tify-s3cret-tokem"}});
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(poke(), "");

  auto not_json = http_request(srv.port(), http::verb::post, "/v1/sync/crm", "id=lead-1", good);
  EXPECT_EQ(not_json.status, 400u);
  EXPECT_NE(not_json.body.find("JSON object"), std::string::npos) << not_json.body;
  auto unknown = http_request(srv.port(), http::verb::post, "/v1/sync/nope", "{}", good);
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_NE(unknown.body.find("\"field\":\"destination\""), std::string::npos) << unknown.body;
  auto push_only = http_request(srv.port(), http::verb::post, "/v1/sync/push-only", "{}", good);
  EXPECT_EQ(push_only.status, 403u);
  EXPECT_EQ(poke(), "");

  auto ok = http_request(srv.port(), http::verb::post, "/v1/sync/crm", R"({"module":"Leads","id":"lead-1"})", good);
  EXPECT_EQ(ok.status, 202u) << ok.body;
  EXPECT_EQ(ok.body, R"({"status":"pull_scheduled"})");
  EXPECT_EQ(poke(), "1");
}

}  // namespace
}  // namespace lg::test
