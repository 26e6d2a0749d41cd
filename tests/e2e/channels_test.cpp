// The built binary with webhook sources whose secrets come from the environment: a signed Zalo
// user_submit_info and a signed Facebook Messenger message are accepted with 200, their replays
// are answered as duplicates, and a forged one is refused. A missed Stringee call and a web
// form from the same phone end as one contact with two touches, the missed call routed by its
// flag to the call-back team and the form kept with that owner.
#include "adapters/signature.hpp"
#include "support/e2e.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <set>

namespace lg::test {
namespace {

namespace fs = std::filesystem;
using http::verb;

const std::string zalo_secret = "e2e-zalo-oa-secret";
const std::string fb_secret = "e2e-facebook-app-secret";

fs::path write_config(const std::string& tenant) {
  nlohmann::json j = {
      {"tenant", tenant},
      {"server", {{"listen", "127.0.0.1"}, {"port", 8080}, {"threads", 2}, {"shutdown_grace_ms", 3000}}},
      {"redis", {{"url", "redis://127.0.0.1:1"}}},
      {"logging", {{"level", "warn"}}},
      {"sources",
       {{{"id", "zalo-oa"},
         {"channel", "zalo"},
         {"options", {{"app_id", "4102938475610293847"}, {"oa_secret_key", {{"env", "LG_E2E_ZALO_SECRET"}}}}}},
        {{"id", "fb-page"},
         {"channel", "facebook_messenger"},
         {"options", {{"app_secret", {{"env", "LG_E2E_FB_SECRET"}}}, {"verify_token", "e2e-verify"}}}}}},
  };
  return write_temp("leadgate.json", j.dump(2));
}

TEST(E2EChannels, SignedZaloAndMessengerDeliveriesAreAccepted) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  const auto cfg = write_config(fresh_tenant("e2e-hooks"));
  child_process p = serve(cfg, {"LG_E2E_ZALO_SECRET=" + zalo_secret, "LG_E2E_FB_SECRET=" + fb_secret});
  const auto port = start_ready(p);
  ASSERT_NE(port, 0);

  const auto zalo = fixture_text("hooks/zalo_submit_flat.json");
  ASSERT_FALSE(zalo.empty());
  const auto zalo_j = nlohmann::json::parse(zalo);
  const std::string zalo_sig = "mac=" + adapters::sig::sha256_hex(zalo_j["app_id"].get<std::string>() + zalo +
                                                                  zalo_j["timestamp"].get<std::string>() + zalo_secret);
  const std::map<std::string, std::string> zh{{"Content-Type", "application/json"}, {"X-ZEvent-Signature", zalo_sig}};
  auto z = http_request(port, verb::post, "/v1/hooks/zalo/zalo-oa", zalo, zh);
  ASSERT_EQ(z.status, 200u) << z.body;
  EXPECT_EQ(nlohmann::json::parse(z.body)["accepted"], 1);
  auto z2 = http_request(port, verb::post, "/v1/hooks/zalo/zalo-oa", zalo, zh);
  ASSERT_EQ(z2.status, 200u) << z2.body;
  EXPECT_EQ(nlohmann::json::parse(z2.body)["duplicates"], 1);

  const auto fb = fixture_text("hooks/facebook_message.json");
  const std::string fb_sig = "sha256=" + adapters::sig::to_hex(adapters::sig::hmac_sha256(fb_secret, fb));
  auto f = http_request(port, verb::post, "/v1/hooks/facebook/fb-page", fb,
                        {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", fb_sig}});
  ASSERT_EQ(f.status, 200u) << f.body;
  EXPECT_EQ(nlohmann::json::parse(f.body)["accepted"], 1);

  auto forged = http_request(port, verb::post, "/v1/hooks/facebook/fb-page", fb,
                             {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", "sha256=" + std::string(64, '0')}});
  EXPECT_EQ(forged.status, 401u) << forged.body;

  auto metrics = http_request(port, verb::get, "/metrics");
  EXPECT_NE(metrics.body.find("leadgate_signature_failures_total{source=\"fb-page\"} 1"), std::string::npos);

  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(std::chrono::seconds(5)), std::optional<int>(0));
  fs::remove_all(cfg.parent_path());
}

TEST(E2EChannels, MissingWebhookSecretFailsAtStartup) {
  const auto cfg = write_config(fresh_tenant("e2e-hooks"));
  child_process p({LG_BINARY, "serve", "--config", cfg.string(), "--port", "0"},
                  {"LEADGATE_REDIS_URL=redis://127.0.0.1:1", "LG_E2E_FB_SECRET=" + fb_secret});
  const auto code = p.wait(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);  // a config error
  fs::remove_all(cfg.parent_path());
}

TEST(E2EChannels, MissedCallAndFormFromOnePhoneAreOneContactWithTwoTouches) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  const std::string stringee_secret = "e2e-stringee-secret";
  const std::string admin_token = "e2e-admin-token-missed-call-0001";
  nlohmann::json j = {
      {"tenant", fresh_tenant("e2e-missed")},
      {"server", {{"listen", "127.0.0.1"}, {"port", 8080}, {"threads", 1}, {"shutdown_grace_ms", 3000}}},
      {"logging", {{"level", "warn"}}},
      {"admin", {{"tokens", {{{"name", "ops"}, {"role", "viewer"}, {"sha256", adapters::sig::sha256_hex(admin_token)}}}}}},
      {"processing", {{"workers", 1}, {"claim_idle_ms", 1000}}},
      {"teams", {{{"id", "sales"}, {"members", {{{"id", "an"}}}}}, {{"id", "callback"}, {"members", {{{"id", "binh"}}}}}}},
      {"routing",
       {{"default_team", "sales"},
        {"rules",
         {{{"name", "missed calls"},
           {"conditions", {{"all", {{{"field", "extra.missed_call"}, {"op", "equals"}, {"value", "true"}}}}}},
           {"action", {{"team", "callback"}}}}}}}},
      {"sources",
       {{{"id", "hotline-main"}, {"channel", "hotline"}, {"preset", "stringee"},
         {"options", {{"signing_secret", {{"env", "LG_E2E_STRINGEE_SECRET"}}}}}},
        {{"id", "website"}, {"channel", "web_form"},
         {"field_map", {{"full_name", {"ho_ten"}}, {"phone", {"sdt"}}}}, {"required", {"phone"}}}}},
  };
  const auto cfg = write_temp("leadgate.json", j.dump(2));
  child_process p = serve(cfg, {"LG_E2E_STRINGEE_SECRET=" + stringee_secret});
  const auto port = start_ready(p);
  ASSERT_NE(port, 0);
  const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + admin_token}};

  const auto call = fixture_text("telephony/stringee_missed.json");  // from 0987654321, answeredTime 0
  const auto sig = adapters::sig::base64_encode(adapters::sig::hmac_sha1(stringee_secret, call));
  auto c = http_request(port, verb::post, "/v1/hooks/telephony/hotline-main", call,
                        {{"Content-Type", "application/json"}, {"X-STRINGEE-SIGNATURE", sig}});
  ASSERT_EQ(c.status, 200u) << c.body;
  ASSERT_EQ(nlohmann::json::parse(c.body)["accepted"], 1);
  auto form = http_request(port, verb::post, "/v1/forms/website", "ho_ten=Nguy%E1%BB%85n+Lan&sdt=%2B84987654321",
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
  ASSERT_EQ(form.status, 202u) << form.body;

  nlohmann::json contact;
  ASSERT_TRUE(eventually([&] {
    auto found = http_request(port, verb::get, "/admin/v1/contacts?phone=0987654321", {}, auth);
    if (found.status != 200) return false;
    const auto list = nlohmann::json::parse(found.body).at("contacts");
    if (list.size() != 1) return false;
    auto one = http_request(port, verb::get, "/admin/v1/contacts/" + list[0].at("id").get<std::string>() + "?timeline=10",
                            {}, auth);
    if (one.status != 200) return false;
    contact = nlohmann::json::parse(one.body);
    std::size_t touches = 0;
    for (const auto& t : contact.at("timeline")) touches += t.value("k", "") == "touch";
    return touches == 2;
  })) << contact.dump();
  std::multiset<std::string> channels;
  for (const auto& t : contact.at("timeline"))
    if (t.value("k", "") == "touch") channels.insert(t.value("ch", ""));
  EXPECT_EQ(channels, (std::multiset<std::string>{"hotline", "web_form"}));
  EXPECT_EQ(contact.at("name"), "Nguyễn Lan");

  // The flag routed the call to the call-back team; the form, from the same (now returning)
  // person, stays with that owner (sticky owner) rather than going to the default team.
  nlohmann::json queues;
  ASSERT_TRUE(eventually([&] {
    auto q = http_request(port, verb::get, "/admin/v1/queues", {}, auth);
    if (q.status != 200) return false;
    queues = nlohmann::json::parse(q.body);
    std::map<std::string, long> len;
    for (const auto& t : queues.at("teams")) len[t.at("id")] = t.at("stream_length").get<long>();
    return len["callback"] == 2 && len["sales"] == 0;
  })) << queues.dump();

  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(std::chrono::seconds(5)), std::optional<int>(0));
  fs::remove_all(cfg.parent_path());
}

// A caller ID in a range Debian's phone metadata does not know (089 outside 0896–0899) is the
// provider's fact: both calls from it are one contact, flagged unverified_phone. A form that
// types the same number is still refused, naming the field.
TEST(E2EChannels, CallsFromAnUnknownRangeCallerIdAreOneContactFlaggedUnverified) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  const std::string stringee_secret = "e2e-stringee-secret-2";
  const std::string admin_token = "e2e-admin-token-unverified-0001";
  nlohmann::json j = {
      {"tenant", fresh_tenant("e2e-unverified")},
      {"server", {{"listen", "127.0.0.1"}, {"port", 8080}, {"threads", 1}, {"shutdown_grace_ms", 3000}}},
      {"logging", {{"level", "warn"}}},
      {"admin", {{"tokens", {{{"name", "ops"}, {"role", "viewer"}, {"sha256", adapters::sig::sha256_hex(admin_token)}}}}}},
      {"processing", {{"workers", 1}, {"claim_idle_ms", 1000}}},
      {"teams", {{{"id", "sales"}, {"members", {{{"id", "an"}}}}}}},
      {"sources",
       {{{"id", "hotline-main"}, {"channel", "hotline"}, {"preset", "stringee"},
         {"options", {{"signing_secret", {{"env", "LG_E2E_STRINGEE_SECRET"}}}}}},
        {{"id", "website"}, {"channel", "web_form"}, {"field_map", {{"phone", {"sdt"}}}}, {"required", {"phone"}}}}},
  };
  const auto cfg = write_temp("leadgate.json", j.dump(2));
  child_process p = serve(cfg, {"LG_E2E_STRINGEE_SECRET=" + stringee_secret});
  const auto port = start_ready(p);
  ASSERT_NE(port, 0);
  const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + admin_token}};

  for (const char* id : {"call-unverified-1", "call-unverified-2"}) {
    auto call = nlohmann::json::parse(fixture_text("telephony/stringee_missed.json"));
    call["call_id"] = id;
    call["from"]["number"] = call["from"]["alias"] = "0891180920";
    const auto body = call.dump();
    const auto sig = adapters::sig::base64_encode(adapters::sig::hmac_sha1(stringee_secret, body));
    auto c = http_request(port, verb::post, "/v1/hooks/telephony/hotline-main", body,
                          {{"Content-Type", "application/json"}, {"X-STRINGEE-SIGNATURE", sig}});
    ASSERT_EQ(c.status, 200u) << c.body;
    ASSERT_EQ(nlohmann::json::parse(c.body)["accepted"], 1) << c.body;
  }

  nlohmann::json contact;
  ASSERT_TRUE(eventually([&] {
    auto found = http_request(port, verb::get, "/admin/v1/contacts?phone=0891180920", {}, auth);
    if (found.status != 200) return false;
    const auto list = nlohmann::json::parse(found.body).at("contacts");
    if (list.size() != 1) return false;
    auto one = http_request(port, verb::get, "/admin/v1/contacts/" + list[0].at("id").get<std::string>() + "?timeline=10",
                            {}, auth);
    if (one.status != 200) return false;
    contact = nlohmann::json::parse(one.body);
    std::size_t touches = 0;
    for (const auto& t : contact.at("timeline")) touches += t.value("k", "") == "touch";
    return touches == 2;
  })) << contact.dump();
  ASSERT_EQ(contact.at("phones").size(), 1u) << contact.dump();
  EXPECT_EQ(contact["phones"][0]["value"], "+84891180920");
  EXPECT_EQ(contact["phones"][0].value("unverified", false), true);
  EXPECT_EQ(contact.at("flags"), nlohmann::json::array({"unverified_phone"}));

  auto form = http_request(port, verb::post, "/v1/forms/website", "sdt=0891180920",
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 400u) << form.body;
  EXPECT_EQ(nlohmann::json::parse(form.body)["error"]["field"], "phone") << form.body;

  p.signal(SIGTERM);
  EXPECT_EQ(p.wait(std::chrono::seconds(5)), std::optional<int>(0));
  fs::remove_all(cfg.parent_path());
}

}  // namespace
}  // namespace lg::test
