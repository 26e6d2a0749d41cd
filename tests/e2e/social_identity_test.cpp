// The built binary with a Zalo OA source and a Facebook Page source whose Graph API is a local
// fake (tests/support/fake_graph.hpp, HTTPS with the test CA): a Zalo user_submit_info, then a
// Messenger message whose phone quick reply shares the same number, then a Lead Ads webhook
// whose lead (fetched behind the stream) carries that number too, end as one contact with
// three channel identities: the Zalo user, the Messenger PSID and the Lead Ads lead. The
// Messenger sender's profile is fetched too; its name never replaces the one the forms gave.
#include "core/digest.hpp"
#include "support/e2e.hpp"
#include "support/fake_graph.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace lg::test {
namespace {

using http::verb;

const std::string page_token = "e2e-page-token";
const std::string social_admin_token = "e2e-social-admin-token-0123456789";

// Zalo OA and a Facebook Page whose Graph API (page token from LG_E2E_PAGE_TOKEN) is `graph`.
nlohmann::json social_config(const std::string& tenant, const fake_graph& graph) {
  auto j = worker_config(tenant, social_admin_token);
  j["sources"] = nlohmann::json::array(
      {zalo_oa_source(),
       fb_page_source({{"page_token", {{"env", "LG_E2E_PAGE_TOKEN"}}},
                       {"graph_base_url", graph.base_url()},
                       {"ca_file", test_ca_file()}})});
  return j;
}

http_answer post_facebook(unsigned short port, const std::string& body) {
  return http_request(port, verb::post, "/v1/hooks/facebook/fb-page", body, facebook_signed_headers(body));
}

TEST(E2ESocial, ZaloMessengerAndLeadAdsForOnePhoneAreOneContact) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  fake_graph graph(page_token);
  // The lead of hooks/facebook_leadgen.json, as Graph returns it: the same phone as the Zalo form.
  graph.add_lead({"900100200300", "555000111", 1731000100,
                  {{"full_name", "Phạm Thu Hà"}, {"phone_number", "+84912000111"}, {"email", "ha.pham@example.com"}}});
  // The Messenger sender of step 2, as the User Profile API describes her.
  graph.add_user("24680135790001", {"Hà", "Phạm", "Hà Phạm"});
  served_gateway g(social_config(fresh_tenant("e2e-social"), graph),
                   {"LG_E2E_ZALO_SECRET=" + e2e_zalo_secret, "LG_E2E_FB_SECRET=" + e2e_fb_secret,
                    "LG_E2E_PAGE_TOKEN=" + page_token});
  const auto port = g.port;
  ASSERT_NE(port, 0);

  // 1. Zalo user_submit_info: name and phone 84912000111.
  const auto zalo = fixture_text("hooks/zalo_submit_flat.json");
  auto z = http_request(port, verb::post, "/v1/hooks/zalo/zalo-oa", zalo, zalo_signed_headers(zalo));
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
    const auto list = contacts_by_phone(port, "0912000111", social_admin_token);
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

  EXPECT_EQ(g.terminate(std::chrono::seconds(15)), std::optional<int>(0));
}

}  // namespace
}  // namespace lg::test
