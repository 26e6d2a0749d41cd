// The built binary with both roles: a form post becomes a contact, assigned to the team's
// member, that the admin API finds by phone and by id (bearer token checked); and the roles split over two processes: an
// http-only gateway accepts, nothing is resolved until a process-only one runs.
#include "support/e2e.hpp"
#include "support/metrics_text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using http::verb;

const std::string admin_token = "e2e-admin-token-0123456789abcdef";

// One team "hq" with member a1, the default of the routing; the web form source "website".
nlohmann::json contacts_config(const std::string& tenant) {
  auto j = worker_config(tenant, admin_token);
  j["teams"] = {{{"id", "hq"}, {"members", {{{"id", "a1"}}}}}};
  j["routing"] = {{"default_team", "hq"}, {"rules", nlohmann::json::array()}};
  j["sources"] = nlohmann::json::array({website_source()});
  return j;
}

TEST(E2E, FormPostBecomesAContactTheAdminApiFinds) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  served_gateway g(contacts_config(fresh_tenant("e2e-contacts")));
  const auto port = g.port;
  ASSERT_NE(port, 0);

  // NFD input ("Nguyễn" decomposed) and a local phone format; the same person in NFC and E.164
  // is the same submission (200, deduplicated); a sibling on the same phone is a new lead.
  ASSERT_EQ(post_website_form(port, "ho_ten=Nguye%CC%82%CC%83n+Va%CC%86n+An&sdt=0912+345+678").status, 202u);
  ASSERT_EQ(post_website_form(port, "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=%2B84912345678").status, 200u);
  ASSERT_EQ(post_website_form(port, "ho_ten=Nguy%E1%BB%85n+V%C4%83n+B%C3%ACnh&sdt=84912345678").status, 202u);

  nlohmann::json found;
  ASSERT_TRUE(eventually([&] {
    found = contacts_by_phone(port, "0912345678", admin_token);
    return found.size() == 1;
  }));
  const auto id = found[0].at("id").get<std::string>();
  auto one = http_request(port, verb::get, "/admin/v1/contacts/" + id + "?timeline=10", {}, bearer(admin_token));
  ASSERT_EQ(one.status, 200u) << one.body;
  const auto contact = nlohmann::json::parse(one.body);
  EXPECT_EQ(contact.at("name"), "Nguyễn Văn An");  // NFC
  EXPECT_EQ(contact.at("team"), "hq");
  // The sibling is a learner of the one contact, not a rename (it may still be in flight briefly).
  nlohmann::json later;
  ASSERT_TRUE(eventually([&] {
    auto a = http_request(port, verb::get, "/admin/v1/contacts/" + id, {}, bearer(admin_token));
    if (a.status != 200) return false;
    later = nlohmann::json::parse(a.body);
    return later.at("learners").size() == 1;
  }));
  EXPECT_EQ(later.at("name"), "Nguyễn Văn An");
  // Routed to the default team and assigned to its one member by the processing worker.
  EXPECT_EQ(later.at("team"), "hq");
  EXPECT_EQ(later.at("owner"), "a1");
  EXPECT_EQ(later.at("learners")[0].at("name"), "Nguyễn Văn Bình");
  EXPECT_EQ(contacts_by_phone(port, "0912345678", admin_token).size(), 1u);
  // The workers' figures on /metrics: both leads resolved and acknowledged, nothing waiting.
  std::string figures;
  EXPECT_TRUE(eventually([&] {
    figures = http_request(port, verb::get, "/metrics").body;
    return series_value(figures, R"(leadgate_events_processed_total{outcome="resolved"})") == 2 &&
           series_value(figures, "leadgate_processing_lag") == 0 &&
           series_value(figures, "leadgate_processing_pending") == 0;
  })) << figures;

  // Authorization: none, malformed, unknown.
  auto none = http_request(port, verb::get, "/admin/v1/contacts/" + id);
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(nlohmann::json::parse(none.body)["error"]["code"], "unauthorized");
  EXPECT_EQ(http_request(port, verb::get, "/admin/v1/contacts/" + id, {}, {{"Authorization", "Basic eDp5"}}).status,
            401u);
  EXPECT_EQ(http_request(port, verb::get, "/admin/v1/contacts/" + id, {}, bearer("not-the-token-000000")).status,
            401u);
  // Bad filters name the parameter.
  auto bad = http_request(port, verb::get, "/admin/v1/contacts?phone=12", {}, bearer(admin_token));
  EXPECT_EQ(bad.status, 400u) << bad.body;
  EXPECT_EQ(http_request(port, verb::get, "/admin/v1/contacts/c_999999", {}, bearer(admin_token)).status, 404u);

  EXPECT_EQ(g.terminate(std::chrono::seconds(15)), std::optional<int>(0));
}

TEST(E2E, HttpAndProcessRolesInSeparateProcesses) {
  const auto url = redis_url();
  ASSERT_FALSE(url.empty()) << "LG_TEST_REDIS_URL is not set";
  const auto cfg = write_temp("leadgate.json", contacts_config(fresh_tenant("e2e-roles")).dump(2));
  child_process web = serve(cfg, {}, {"--roles", "http"});
  const auto port = start_ready(web);
  ASSERT_NE(port, 0);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(post_website_form(port, "ho_ten=Tran+Binh+" + std::to_string(i) + "&sdt=09870000" + (i < 10 ? "0" : "") +
                                  std::to_string(i))
                  .status,
              202u);
  }
  // Accepted and durable, but no worker runs: no contact yet.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(contacts_by_phone(port, "0987000000", admin_token).empty());

  child_process worker({LG_BINARY, "serve", "--config", cfg.string(), "--roles", "process"},
                       {"LEADGATE_REDIS_URL=" + url});
  auto line = worker.read_line(std::chrono::seconds(10));
  ASSERT_TRUE(line && line->find("processing") != std::string::npos) << line.value_or("(nothing)");
  for (int i = 0; i < 20; ++i) {
    const std::string phone = std::string("09870000") + (i < 10 ? "0" : "") + std::to_string(i);
    ASSERT_TRUE(eventually([&] { return contacts_by_phone(port, phone, admin_token).size() == 1; })) << phone;
  }
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait(std::chrono::seconds(15)), std::optional<int>(0));
  web.signal(SIGTERM);
  EXPECT_EQ(web.wait(std::chrono::seconds(15)), std::optional<int>(0));
  fs::remove_all(cfg.parent_path());
}

}  // namespace
}  // namespace lg::test
