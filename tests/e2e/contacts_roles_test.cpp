// The built binary with both roles: a form post becomes a contact, assigned to the team's
// member, that the admin API finds by phone and by id (bearer token checked); and the roles split over two processes: an
// http-only gateway accepts, nothing is resolved until a process-only one runs.
#include "support/e2e.hpp"
#include "support/metrics_text.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <array>

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using http::verb;

const std::string admin_token = "e2e-admin-token-0123456789abcdef";

std::string sha256_hex(const std::string& s) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned len = 0;
  EVP_Digest(s.data(), s.size(), md.data(), &len, EVP_sha256(), nullptr);
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    static constexpr char d[] = "0123456789abcdef";
    out += d[md[i] >> 4];
    out += d[md[i] & 0xf];
  }
  return out;
}

std::string config_text(const std::string& tenant) {
  nlohmann::json j = {
      {"tenant", tenant},
      {"server", {{"listen", "127.0.0.1"}, {"port", 8080}, {"threads", 1}}},
      {"logging", {{"level", "warn"}}},
      {"admin", {{"tokens", {{{"name", "ops"}, {"role", "viewer"}, {"sha256", sha256_hex(admin_token)}}}}}},
      {"processing", {{"workers", 1}, {"claim_idle_ms", 1000}}},
      {"teams", {{{"id", "hq"}, {"members", {{{"id", "a1"}}}}}}},
      {"routing", {{"default_team", "hq"}, {"rules", nlohmann::json::array()}}},
      {"sources",
       {{{"id", "website"},
         {"channel", "web_form"},
         {"field_map", {{"full_name", {"ho_ten"}}, {"phone", {"sdt"}}}},
         {"required", {"full_name", "phone"}}}}},
  };
  return j.dump(2);
}

std::map<std::string, std::string> bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

http_answer post_form(unsigned short port, const std::string& body) {
  return http_request(port, verb::post, "/v1/forms/website", body,
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
}

// The contacts found by phone, or an empty array.
nlohmann::json find_by_phone(unsigned short port, const std::string& phone) {
  auto a = http_request(port, verb::get, "/admin/v1/contacts?phone=" + phone, {}, bearer(admin_token));
  if (a.status != 200) return nlohmann::json::array();
  return nlohmann::json::parse(a.body).at("contacts");
}

TEST(E2E, FormPostBecomesAContactTheAdminApiFinds) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  const auto cfg = write_temp("leadgate.json", config_text(fresh_tenant("e2e-contacts")));
  child_process p = serve(cfg);
  const auto port = start_ready(p);
  ASSERT_NE(port, 0);

  // NFD input ("Nguyễn" decomposed) and a local phone format; the same person in NFC and E.164
  // is the same submission (200, deduplicated); a sibling on the same phone is a new lead.
  ASSERT_EQ(post_form(port, "ho_ten=Nguye%CC%82%CC%83n+Va%CC%86n+An&sdt=0912+345+678").status, 202u);
  ASSERT_EQ(post_form(port, "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=%2B84912345678").status, 200u);
  ASSERT_EQ(post_form(port, "ho_ten=Nguy%E1%BB%85n+V%C4%83n+B%C3%ACnh&sdt=84912345678").status, 202u);

  nlohmann::json found;
  ASSERT_TRUE(eventually([&] {
    found = find_by_phone(port, "0912345678");
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
  EXPECT_EQ(find_by_phone(port, "0912345678").size(), 1u);
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

  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(std::chrono::seconds(15)), std::optional<int>(0));
  fs::remove_all(cfg.parent_path());
}

TEST(E2E, HttpAndProcessRolesInSeparateProcesses) {
  const auto url = redis_url();
  ASSERT_FALSE(url.empty()) << "LG_TEST_REDIS_URL is not set";
  const auto cfg = write_temp("leadgate.json", config_text(fresh_tenant("e2e-roles")));
  child_process web({LG_BINARY, "serve", "--config", cfg.string(), "--port", "0", "--roles", "http"},
                    {"LEADGATE_REDIS_URL=" + url});
  const auto port = start_ready(web);
  ASSERT_NE(port, 0);
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(post_form(port, "ho_ten=Tran+Binh+" + std::to_string(i) + "&sdt=09870000" + (i < 10 ? "0" : "") +
                                  std::to_string(i))
                  .status,
              202u);
  }
  // Accepted and durable, but no worker runs: no contact yet.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(find_by_phone(port, "0987000000").empty());

  child_process worker({LG_BINARY, "serve", "--config", cfg.string(), "--roles", "process"},
                       {"LEADGATE_REDIS_URL=" + url});
  auto line = worker.read_line(std::chrono::seconds(10));
  ASSERT_TRUE(line && line->find("processing") != std::string::npos) << line.value_or("(nothing)");
  for (int i = 0; i < 20; ++i) {
    const std::string phone = std::string("09870000") + (i < 10 ? "0" : "") + std::to_string(i);
    ASSERT_TRUE(eventually([&] { return find_by_phone(port, phone).size() == 1; })) << phone;
  }
  worker.signal(SIGTERM);
  EXPECT_EQ(worker.wait(std::chrono::seconds(15)), std::optional<int>(0));
  web.signal(SIGTERM);
  EXPECT_EQ(web.wait(std::chrono::seconds(15)), std::optional<int>(0));
  fs::remove_all(cfg.parent_path());
}

}  // namespace
}  // namespace lg::test
