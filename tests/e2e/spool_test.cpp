// The built binary with a spool and no Redis: browser forms still get 202, /readyz says
// "degraded", the gateway is killed (-9) with the leads on disk, and the next start, with Redis
// back, drains them: each becomes exactly one contact.
#include "support/e2e.hpp"
#include "support/metrics_text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using http::verb;

const std::string spool_admin_token = "e2e-spool-admin-token-0123456789abcdef";

unsigned short free_tcp_port() {
  asio::io_context ioc;
  asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

std::string spool_phone(int i) { return "09123450" + std::to_string(10 + i); }
const char* const spool_names[] = {"An", "Binh", "Chi", "Dung", "Giang"};

TEST(E2E, SpoolKeepsFormsThroughARedisOutageAndAKill) {
  const auto tenant = fresh_tenant("e2e-spool");
  const auto dir = write_temp("readme", "").parent_path();
  auto cfg = worker_config(tenant, spool_admin_token);
  cfg["sources"] = nlohmann::json::array({website_source()});
  cfg["spool"] = {{"dir", (dir / "spool").string()}};
  const auto cfg_path = dir / "leadgate.json";
  std::ofstream(cfg_path) << cfg.dump(2);
  const unsigned short redis_port = free_tcp_port();
  const std::vector<std::string> env{"LEADGATE_REDIS_URL=redis://127.0.0.1:" + std::to_string(redis_port)};
  const std::vector<std::string> argv{LG_BINARY, "serve", "--config", cfg_path.string(), "--port", "0"};

  {
    child_process gw(argv, env);  // nothing listens on redis_port
    const auto port = start(gw);
    ASSERT_NE(port, 0);
    ASSERT_TRUE(eventually([&] { return http_request(port, verb::get, "/readyz").status == 200; }));
    for (int i = 0; i < 5; ++i) {
      auto a = post_website_form(port, "ho_ten=Nguy%E1%BB%85n+" + std::string(spool_names[i]) + "&sdt=" + spool_phone(i));
      ASSERT_EQ(a.status, 202u) << a.body;
      EXPECT_EQ(nlohmann::json::parse(a.body)["status"], "accepted");
    }
    const auto degraded = nlohmann::json::parse(http_request(port, verb::get, "/readyz").body);
    EXPECT_EQ(degraded["status"], "degraded") << degraded;
    EXPECT_EQ(degraded["redis"], "down");
    EXPECT_EQ(degraded["spool"]["records"], 5);
    const auto metrics = http_request(port, verb::get, "/metrics").body;
    EXPECT_EQ(series_value(metrics, "leadgate_spool_records"), 5);
    EXPECT_EQ(series_value(metrics, "leadgate_spool_appended_total"), 5);
    gw.stop(SIGKILL, std::chrono::seconds(5));
  }

  // Redis comes back (empty: it never had these leads); the gateway starts again on the spool.
  const char* bin = std::getenv("LG_REDIS_SERVER");
  child_process redis({bin && *bin ? bin : "redis-server", "--port", std::to_string(redis_port), "--bind", "127.0.0.1",
                       "--save", "", "--appendonly", "no", "--dir", dir.string()});
  child_process gw(argv, env);
  const auto port = start(gw);
  ASSERT_NE(port, 0);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(eventually([&] { return contacts_by_phone(port, spool_phone(i), spool_admin_token).size() == 1; }))
        << "lead " << i << " never became a contact";
  }
  EXPECT_TRUE(eventually([&] {
    return series_value(http_request(port, verb::get, "/metrics").body, "leadgate_spool_drained_total") == 5;
  }));
  const auto ready = nlohmann::json::parse(http_request(port, verb::get, "/readyz").body);
  EXPECT_EQ(ready["status"], "ready") << ready;
  // Nothing left on disk, and nothing counted twice.
  std::size_t segments = 0;
  for (const auto& e : fs::directory_iterator(dir / "spool")) segments += e.path().extension() == ".spool";
  EXPECT_EQ(segments, 0u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(contacts_by_phone(port, spool_phone(i), spool_admin_token).size(), 1u);
  gw.stop();
  redis.stop();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace lg::test
