// The built binary with a Zalo OA source and a Facebook Page source whose Graph API is a local
// fake (tests/support/fake_graph.hpp, HTTPS with the test CA): a Zalo user_submit_info, then a
// Messenger message whose phone quick reply shares the same number, then a Lead Ads webhook
// whose lead (fetched behind the stream) carries that number too, end as one contact with
// three channel identities: the Zalo user, the Messenger PSID and the Lead Ads lead. The
// Messenger sender's profile is fetched too; its name never replaces the one the forms gave.
#include "adapters/signature.hpp"
#include "support/e2e.hpp"
#include "support/fake_graph.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <set>

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using http::verb;

const std::string zalo_secret = "e2e-zalo-oa-secret";
const std::string fb_secret = "e2e-facebook-app-secret";
const std::string page_token = "e2e-page-token";
const std::string admin_token = "e2e-social-admin-token-0123456789";

std::string sha256_hex(const std::string& s) { return adapters::sig::sha256_hex(s); }

fs::path write_config(const std::string& tenant, const fake_graph& graph) {
  nlohmann::json j = {
      {"tenant", tenant},
      {"server", {{"listen", "127.0.0.1"}, {"port", 8080}, {"threads", 1}}},
      {"logging", {{"level", "warn"}}},
      {"admin", {{"tokens", {{{"name", "ops"}, {"role", "viewer"}, {"sha256", sha256_hex(admin_token)}}}}}},
      {"processing", {{"workers", 1}, {"claim_idle_ms", 1000}}},
      {"sources",
       {{{"id", "zalo-oa"},
         {"channel", "zalo"},
         {"options", {{"app_id", "4102938475610293847"}, {"oa_secret_key", {{"env", "LG_E2E_ZALO_SECRET"}}}}}},
        {{"id", "fb-page"},
         {"channel", "facebook_messenger"},
         {"options",
          {{"app_secret", {{"env", "LG_E2E_FB_SECRET"}}},
           {"verify_token", "e2e-verify"},
           {"page_token", {{"env", "LG_E2E_PAGE_TOKEN"}}},
           {"graph_base_url", graph.base_url()},
           {"ca_file", test_ca_file()}}}}}},
  };
  return write_temp("leadgate.json", j.dump(2));
}

http_answer post_facebook(unsigned short port, const std::string& body) {
  const std::string sig = "sha256=" + adapters::sig::to_hex(adapters::sig::hmac_sha256(fb_secret, body));
  return http_request(port, verb::post, "/v1/hooks/facebook/fb-page", body,
                      {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", sig}});
}

TEST(E2ESocial, ZaloMessengerAndLeadAdsForOnePhoneAreOneContact) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  fake_graph graph(page_token);
  // The lead of hooks/facebook_leadgen.json, as Graph returns it: the same phone as the Zalo form.
  graph.add_lead({"900100200300", "555000111", 1731000100,
                  {{"full_name", "Phạm Thu Hà"}, {"phone_number", "+84912000111"}, {"email", "ha.pham@example.com"}}});
  // The Messenger sender of step 2, as the User Profile API describes her.
  graph.add_user("24680135790001", {"Hà", "Phạm", "Hà Phạm"});
  const auto cfg = write_config(fresh_tenant("e2e-social"), graph);
  child_process p = serve(cfg, {"LG_E2E_ZALO_SECRET=" + zalo_secret, "LG_E2E_FB_SECRET=" + fb_secret,
                                "LG_E2E_PAGE_TOKEN=" + page_token});
  const auto port = start_ready(p);
  ASSERT_NE(port, 0);

  // 1. Zalo user_submit_info: name and phone 84912000111.
  const auto zalo = fixture_text("hooks/zalo_submit_flat.json");
  const auto zj = nlohmann::json::parse(zalo);
  const std::string zsig = "mac=" + adapters::sig::sha256_hex(zj["app_id"].get<std::string>() + zalo +
                                                              zj["timestamp"].get<std::string>() + zalo_secret);
  auto z = http_request(port, verb::post, "/v1/hooks/zalo/zalo-oa", zalo,
                        {{"Content-Type", "application/json"}, {"X-ZEvent-Signature", zsig}});
  ASSERT_EQ(z.status, 200u) << z.body;

  // 2. A Messenger message: the person taps the phone quick reply with the same number.
  const nlohmann::json msg = {
      {"object", "page"},
      {"entry",
       {{{"id", "771234500001"},
         {"time", 1731000200123ULL},
         {"messaging",
          {{{"sender", {{"id", "24680135790001"}}},
            {"recipient", {{"id", "771234500001"}}},
            {"timestamp", 1731000200000ULL},
            {"message",
             {{"mid", "m_e2e_phone_reply_1"}, {"text", "+84 912 000 111"}, {"quick_reply", {{"payload", "+84912000111"}}}}}}}}}}}};
  auto m = post_facebook(port, msg.dump());
  ASSERT_EQ(m.status, 200u) << m.body;
  EXPECT_EQ(nlohmann::json::parse(m.body)["accepted"], 1);

  // 3. The Lead Ads webhook: only the lead id; the gateway fetches the fields from Graph.
  auto l = post_facebook(port, fixture_text("hooks/facebook_leadgen.json"));
  ASSERT_EQ(l.status, 200u) << l.body;
  EXPECT_EQ(nlohmann::json::parse(l.body)["accepted"], 1);

  nlohmann::json contact;
  ASSERT_TRUE(eventually([&] {
    auto a = http_request(port, verb::get, "/admin/v1/contacts?phone=0912000111", {},
                          {{"Authorization", "Bearer " + admin_token}});
    if (a.status != 200) return false;
    auto list = nlohmann::json::parse(a.body).at("contacts");
    if (list.size() != 1) return false;
    contact = list[0];
    return contact.at("ids").size() == 3;
  })) << contact.dump();
  std::set<std::string> kinds;
  for (const auto& id : contact.at("ids")) {
    const auto key = id.at("key").get<std::string>();
    kinds.insert(key.substr(0, key.find(':')));
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"zalo", "fb", "fblead"})) << contact.dump();
  EXPECT_EQ(contact.at("name"), "Phạm Thu Hà") << contact.dump();
  const auto targets = graph.targets();
  EXPECT_GE(std::count(targets.begin(), targets.end(), "/v19.0/24680135790001?fields=first_name,last_name,name"), 1)
      << nlohmann::json(targets).dump();
  for (const auto& t : targets) EXPECT_EQ(t.find(page_token), std::string::npos);

  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(std::chrono::seconds(15)), std::optional<int>(0));
  fs::remove_all(cfg.parent_path());
}

}  // namespace
}  // namespace lg::test
