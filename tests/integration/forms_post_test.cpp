// POST /v1/forms/{source} against a real Redis: bodies in three encodings with Vietnamese
// text land on lg:{tenant}:in normalized; duplicates, Idempotency-Key, honeypot, redirect.
#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "support/http_test_client.hpp"
#include "support/test_server.hpp"
#include "server_fixture.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lg::test {
namespace {

using http::verb;

// The lead events on the tenant's inbound stream, oldest first.
std::vector<nlohmann::json> inbound_events(const std::string& url, const std::string& tenant) {
  asio::io_context ioc;
  auto client = store::redis_client::create(ioc, *store::redis_options::from_url(url));
  client->start();
  std::vector<nlohmann::json> out;
  const bool finished = run_bounded(
      ioc,
      [&]() -> awaitable<void> {
        asio::steady_timer t(ioc);
        for (int i = 0; i < 200 && !client->connected(); ++i) {
          t.expires_after(std::chrono::milliseconds(10));
          co_await t.async_wait(asio::use_awaitable);
        }
        std::vector<std::string> cmd{std::string("XRANGE"), store::keys::inbound(tenant), std::string("-"),
                                     std::string("+")};
        auto r = co_await client->async_exec(std::move(cmd));
        LG_CO_ASSERT(r.has_value());
        for (const auto& entry : r->elements) {
          const auto& fields = entry.elements.at(1).elements;
          for (std::size_t i = 0; i + 1 < fields.size(); i += 2) {
            const auto& value = fields[i + 1].str;
            if (!value.empty() && value.front() == '{') out.push_back(nlohmann::json::parse(value));
          }
        }
        client->stop();
      },
      std::chrono::seconds(5));
  EXPECT_TRUE(finished);
  return out;
}

using FormsPost = ServerTest;

TEST_F(FormsPost, UrlencodedVietnameseLandsOnStream) {
  auto a = http_request(port(), verb::post, "/v1/forms/website",
                        "ho_ten=Nguy%E1%BB%85n+Th%E1%BB%8B+Lan&sdt=0912+345+678&program=IELTS", urlencoded);
  ASSERT_EQ(a.status, 202u) << a.body;
  EXPECT_EQ(a.header("Content-Type"), "application/json");
  auto body = nlohmann::json::parse(a.body);
  EXPECT_EQ(body["status"], "accepted");
  const std::string lead_id = body["lead_id"];
  EXPECT_TRUE(lead_id.starts_with("ld_"));

  auto events = inbound_events(url_, tenant());
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["lead_id"], lead_id);
  EXPECT_EQ(events[0]["source"], "website");
  EXPECT_EQ(events[0]["contact"]["full_name"], "Nguyễn Thị Lan");
  EXPECT_EQ(events[0]["contact"]["phones"][0], "+84912345678");
  EXPECT_EQ(events[0]["client"]["ip"], "127.0.0.1");
}

TEST_F(FormsPost, MultipartAndJsonBodies) {
  const std::string boundary = "----lgBoundary7MA4YWxk";
  const std::string multipart = "--" + boundary +
                                "\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nTrần Văn Bình\r\n--" +
                                boundary + "\r\nContent-Disposition: form-data; name=\"phone\"\r\n\r\n+84 987 654 321\r\n--" +
                                boundary + "--\r\n";
  auto a = http_request(port(), verb::post, "/v1/forms/website", multipart,
                        {{"Content-Type", "multipart/form-data; boundary=" + boundary}});
  ASSERT_EQ(a.status, 202u) << a.body;

  auto b = http_request(port(), verb::post, "/v1/forms/website",
                        R"({"ho_ten":"Lê Thị Hoa","email":"Hoa@Example.com","sdt":"0169 123 4567"})",
                        {{"Content-Type", "application/json"}});
  ASSERT_EQ(b.status, 202u) << b.body;

  auto events = inbound_events(url_, tenant());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["contact"]["full_name"], "Trần Văn Bình");
  EXPECT_EQ(events[0]["contact"]["phones"][0], "+84987654321");
  EXPECT_EQ(events[1]["contact"]["full_name"], "Lê Thị Hoa");
  EXPECT_EQ(events[1]["contact"]["phones"][0], "+84391234567");  // pre-2018 prefix remapped
  EXPECT_EQ(events[1]["contact"]["emails"][0], "hoa@example.com");
}

TEST_F(FormsPost, DoublePostIsOneLead) {
  const std::string body = "ho_ten=An&sdt=0912000111";
  auto first = http_request(port(), verb::post, "/v1/forms/website", body, urlencoded);
  auto second = http_request(port(), verb::post, "/v1/forms/website", body, urlencoded);
  ASSERT_EQ(first.status, 202u) << first.body;
  ASSERT_EQ(second.status, 200u) << second.body;
  auto j1 = nlohmann::json::parse(first.body);
  auto j2 = nlohmann::json::parse(second.body);
  EXPECT_EQ(j2["status"], "duplicate");
  EXPECT_EQ(j2["lead_id"], j1["lead_id"]);
  EXPECT_EQ(inbound_events(url_, tenant()).size(), 1u);
}

TEST_F(FormsPost, IdempotencyKeyHonoured) {
  auto h = urlencoded;
  h["Idempotency-Key"] = "order-42";
  auto first = http_request(port(), verb::post, "/v1/forms/website", "ho_ten=An&sdt=0912000222", h);
  // Different content, same key: still the first delivery's lead.
  auto second = http_request(port(), verb::post, "/v1/forms/website", "ho_ten=Binh&sdt=0912000333", h);
  ASSERT_EQ(first.status, 202u) << first.body;
  ASSERT_EQ(second.status, 200u) << second.body;
  EXPECT_EQ(nlohmann::json::parse(second.body)["lead_id"], nlohmann::json::parse(first.body)["lead_id"]);
  // Same content, another key: a new lead.
  h["Idempotency-Key"] = "order-43";
  auto third = http_request(port(), verb::post, "/v1/forms/website", "ho_ten=An&sdt=0912000222", h);
  EXPECT_EQ(third.status, 202u) << third.body;
  EXPECT_EQ(inbound_events(url_, tenant()).size(), 2u);

  h["Idempotency-Key"] = std::string(201, 'k');
  EXPECT_EQ(http_request(port(), verb::post, "/v1/forms/website", "ho_ten=C&sdt=0912000444", h).status, 400u);
}

TEST_F(FormsPost, HoneypotAnswersLikeSuccessButStoresNothing) {
  auto a = http_request(port(), verb::post, "/v1/forms/website", "ho_ten=Bot&sdt=0912000555&website_url=http%3A%2F%2Fspam",
                        urlencoded);
  ASSERT_EQ(a.status, 202u) << a.body;
  EXPECT_TRUE(nlohmann::json::parse(a.body)["lead_id"].get<std::string>().starts_with("ld_"));
  EXPECT_TRUE(inbound_events(url_, tenant()).empty());
  auto m = http_request(port(), verb::get, "/metrics");
  EXPECT_NE(m.body.find("leadgate_honeypot_total{source=\"website\"} 1"), std::string::npos) << m.body;
}

TEST_F(FormsPost, BrowserPostRedirectsToThankYouPage) {
  auto a = http_request(port(), verb::post, "/v1/forms/landing?token=s3cret-token-0123456789", "name=Lan&phone=0912000666",
                        {{"Content-Type", "application/x-www-form-urlencoded"},
                         {"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"}});
  ASSERT_EQ(a.status, 303u) << a.body;
  EXPECT_EQ(a.header("Location"), "https://www.example.edu.vn/cam-on");
  // Without a thank-you URL a browser gets the JSON answer.
  auto b = http_request(port(), verb::post, "/v1/forms/website", "ho_ten=Lan&sdt=0912000777",
                        {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "text/html"}});
  EXPECT_EQ(b.status, 202u) << b.body;
}

TEST_F(FormsPost, CorsHeadersAndPreflight) {
  auto h = urlencoded;
  h["Origin"] = "https://www.example.edu.vn";
  auto a = http_request(port(), verb::post, "/v1/forms/website", "ho_ten=Lan&sdt=0912000888", h);
  ASSERT_EQ(a.status, 202u);
  EXPECT_EQ(a.header("Access-Control-Allow-Origin"), "https://www.example.edu.vn");
  EXPECT_EQ(a.header("Vary"), "Origin");

  auto ok = http_request(port(), verb::options, "/v1/forms/website", "",
                         {{"Origin", "https://www.example.edu.vn"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(ok.status, 204u);
  EXPECT_EQ(ok.header("Access-Control-Allow-Origin"), "https://www.example.edu.vn");
  EXPECT_EQ(ok.header("Access-Control-Allow-Methods"), "POST, OPTIONS");
  EXPECT_NE(ok.header("Access-Control-Allow-Headers").find("Idempotency-Key"), std::string::npos);
  EXPECT_FALSE(ok.header("Access-Control-Max-Age").empty());

  auto denied = http_request(port(), verb::options, "/v1/forms/website", "",
                             {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(denied.status, 403u);
  EXPECT_EQ(nlohmann::json::parse(denied.body)["error"]["code"], "forbidden");

  h["Origin"] = "https://evil.example";
  auto b = http_request(port(), verb::post, "/v1/forms/website", "ho_ten=Lan&sdt=0912000999", h);
  EXPECT_TRUE(b.header("Access-Control-Allow-Origin").empty());

  auto any = http_request(port(), verb::options, "/v1/forms/landing", "", {{"Origin", "https://whatever.example"}});
  EXPECT_EQ(any.status, 204u);
  EXPECT_EQ(any.header("Access-Control-Allow-Origin"), "https://whatever.example");
}

}  // namespace
}  // namespace lg::test
