// The HTTP server itself: keep-alive, bad requests, header limit, ops endpoints, metrics,
// and the graceful stop with a request in flight.
#include "support/http_test_client.hpp"
#include "support/test_server.hpp"
#include "server_fixture.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <future>

namespace lg::test {
namespace {

using http::verb;

using Server = ServerTest;

TEST_F(Server, KeepAliveServesSeveralRequestsOnOneConnection) {
  http_test_client c(port());
  for (int i = 0; i < 5; ++i) {
    auto a = c.request(verb::get, "/healthz");
    ASSERT_EQ(a.status, 200u);
    EXPECT_EQ(nlohmann::json::parse(a.body)["status"], "ok");
    EXPECT_TRUE(a.raw.keep_alive());
  }
  auto p = c.request(verb::post, "/v1/forms/website", "ho_ten=An&sdt=0912001001",
                     {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(p.status, 202u) << p.body;
  auto r = c.request(verb::get, "/readyz");
  EXPECT_EQ(r.status, 200u);
}

TEST_F(Server, ConnectionCloseIsHonoured) {
  http_test_client c(port());
  auto a = c.request(verb::get, "/healthz", "", {{"Connection", "close"}});
  EXPECT_EQ(a.status, 200u);
  EXPECT_FALSE(a.raw.keep_alive());
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(Server, MalformedRequestGets400AndClose) {
  http_test_client c(port());
  c.send_raw("GARBAGE\x01 / HTTP/1.1\r\nHost: x\r\n\r\n");
  auto a = c.read_answer();
  EXPECT_EQ(a.status, 400u);
  EXPECT_EQ(nlohmann::json::parse(a.body)["error"]["code"], "bad_request");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST_F(Server, HeaderTooLarge) {
  http_test_client c(port());
  auto a = c.request(verb::get, "/healthz", "", {{"X-Big", std::string(20000, 'x')}});
  EXPECT_EQ(a.status, 431u);
  EXPECT_EQ(nlohmann::json::parse(a.body)["error"]["code"], "bad_request");
}

TEST_F(Server, IndexThanksAndMetrics) {
  auto idx = http_request(port(), verb::get, "/");
  ASSERT_EQ(idx.status, 200u);
  auto j = nlohmann::json::parse(idx.body);
  EXPECT_EQ(j["name"], "leadgate");
  EXPECT_EQ(j["sources"].size(), 2u);  // the disabled one is not listed

  auto thanks = http_request(port(), verb::get, "/thanks");
  ASSERT_EQ(thanks.status, 200u);
  EXPECT_EQ(thanks.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(thanks.body.find("Cảm ơn"), std::string::npos);
  EXPECT_NE(thanks.body.find("Thank you"), std::string::npos);

  ASSERT_EQ(http_request(port(), verb::post, "/v1/forms/website", "ho_ten=An&sdt=0912001002",
                         {{"Content-Type", "application/x-www-form-urlencoded"}})
                .status,
            202u);
  http_request(port(), verb::get, "/v1/forms/a/b/c");
  auto m = http_request(port(), verb::get, "/metrics");
  ASSERT_EQ(m.status, 200u);
  EXPECT_NE(m.header("Content-Type").find("text/plain"), std::string::npos);
  const auto& b = m.body;
  EXPECT_NE(b.find("leadgate_http_requests_total{route=\"/v1/forms/{source}\",status=\"202\"} 1"), std::string::npos) << b;
  EXPECT_NE(b.find("leadgate_http_requests_total{route=\"unmatched\",status=\"404\"} 1"), std::string::npos) << b;
  EXPECT_NE(b.find("leadgate_http_request_duration_seconds_bucket{route=\"/readyz\""), std::string::npos);
  EXPECT_NE(b.find("leadgate_leads_accepted_total{source=\"website\"} 1"), std::string::npos) << b;
  EXPECT_NE(b.find("leadgate_redis_connected{thread=\"0\"} 1"), std::string::npos) << b;
  EXPECT_NE(b.find("leadgate_redis_errors_total"), std::string::npos);
  // The raw path never becomes a label.
  EXPECT_EQ(b.find("/v1/forms/a/b/c"), std::string::npos);
}

TEST_F(Server, GracefulStopLetsInFlightRequestFinish) {
  http_test_client slow(port());
  http_test_client idle(port());
  ASSERT_EQ(idle.request(verb::get, "/healthz").status, 200u);
  const std::string body = "ho_ten=Slow&sdt=0912001003";
  slow.send_raw("POST /v1/forms/website HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 5));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the server read the header
  auto stopping = std::async(std::launch::async, [&] { server_->stop(); });
  // The idle keep-alive connection is closed at once.
  EXPECT_TRUE(idle.closed_by_peer());
  slow.send_raw(body.substr(5));
  auto a = slow.read_answer();
  EXPECT_EQ(a.status, 202u) << a.body;
  EXPECT_FALSE(a.raw.keep_alive());
  EXPECT_EQ(stopping.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

}  // namespace
}  // namespace lg::test
