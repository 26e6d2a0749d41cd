// The built binary: serve on port 0, post a form, graceful SIGTERM with a request in
// flight, and check-config on good and bad files.
#include "support/e2e.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using http::verb;

// The web form source "website", open to any origin.
nlohmann::json serve_config(const std::string& tenant) {
  auto website = website_source();
  website["cors_origins"] = {"*"};
  return unreachable_redis_config(tenant, nlohmann::json::array({website}));
}

TEST(E2E, ServePostAndGracefulSigterm) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  // LEADGATE_REDIS_URL (set by serve) overrides the (unreachable) redis.url of the file.
  served_gateway g(serve_config(fresh_tenant("e2e")));
  const auto port = g.port;
  ASSERT_NE(port, 0);

  auto a = post_website_form(port, "ho_ten=Nguy%E1%BB%85n+An&sdt=0912345678");
  ASSERT_EQ(a.status, 202u) << a.body;
  EXPECT_EQ(nlohmann::json::parse(a.body)["status"], "accepted");

  // A slow request: headers now, body after SIGTERM. It still gets its answer.
  http_test_client slow(port);
  const std::string body = "ho_ten=Tran+Binh&sdt=0987654321";
  slow.send_raw("POST /v1/forms/website HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 4));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  g.proc.signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  slow.send_raw(body.substr(4));
  auto s = slow.read_answer();
  EXPECT_EQ(s.status, 202u) << s.body;
  EXPECT_EQ(g.proc.wait(std::chrono::seconds(5)), std::optional<int>(0));
}

TEST(E2E, CheckConfig) {
  const auto good = write_temp("good.json", serve_config("e2e-check").dump(2));
  child_process ok({LG_BINARY, "check-config", good.string()});
  EXPECT_EQ(ok.read_all(std::chrono::seconds(10)), "ok\n");
  EXPECT_EQ(ok.wait(std::chrono::seconds(10)), std::optional<int>(0));

  auto bad_json = serve_config("e2e-check");
  bad_json["server"]["port"] = "eighty";
  const auto bad = write_temp("bad.json", bad_json.dump());
  child_process no({LG_BINARY, "check-config", bad.string()});
  const auto out = no.read_all(std::chrono::seconds(10));
  EXPECT_NE(out.find("server.port"), std::string::npos) << out;
  EXPECT_EQ(no.wait(std::chrono::seconds(10)), std::optional<int>(1));

  child_process serve_bad({LG_BINARY, "serve", "--config", bad.string(), "--port", "0"});
  EXPECT_EQ(serve_bad.wait(std::chrono::seconds(10)), std::optional<int>(2));

  child_process version({LG_BINARY, "version"});
  EXPECT_EQ(version.read_all(std::chrono::seconds(10)).rfind("leadgate ", 0), 0u);
  fs::remove_all(good.parent_path());
  fs::remove_all(bad.parent_path());
}

}  // namespace
}  // namespace lg::test
