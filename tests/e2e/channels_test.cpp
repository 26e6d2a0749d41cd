// The built binary with webhook sources whose secrets come from the environment: a signed Zalo
// user_submit_info and a signed Facebook Messenger message are accepted with 200, their replays
// are answered as duplicates, and a forged one is refused. A missed Stringee call and a web
// form from the same phone end as one contact with two touches, the missed call routed by its
// flag to the call-back team and the form kept with that owner.
#include "core/digest.hpp"
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

// The Zalo OA and Facebook Page sources.
nlohmann::json hooks_config(const std::string& tenant) {
  return unreachable_redis_config(tenant, nlohmann::json::array({zalo_oa_source(), fb_page_source()}));
}

// Source "hotline-main": Stringee calls signed with the secret in LG_E2E_STRINGEE_SECRET.
nlohmann::json stringee_source() {
  return nlohmann::json{{"id", "hotline-main"},
                        {"channel", "hotline"},
                        {"preset", "stringee"},
                        {"options", {{"signing_secret", {{"env", "LG_E2E_STRINGEE_SECRET"}}}}}};
}

// `body` posted to hotline-main, signed as Stringee signs (base64 HMAC-SHA1 under `secret`).
http_answer post_stringee(unsigned short port, const std::string& secret, const std::string& body) {
  const auto sig = core::base64_encode(core::hmac_sha1(secret, body));
  return http_request(port, verb::post, "/v1/hooks/telephony/hotline-main", body,
                      {{"Content-Type", "application/json"}, {"X-STRINGEE-SIGNATURE", sig}});
}

// Polls the admin API until exactly one contact has `phone` and its timeline (10 entries) shows
// two touches; `contact` is the last one read.
bool one_contact_with_two_touches(unsigned short port, const std::string& phone, const std::string& admin_token,
                                  nlohmann::json& contact) {
  return eventually([&] {
    const auto list = contacts_by_phone(port, phone, admin_token);
    if (list.size() != 1) return false;
    auto one = http_request(port, verb::get, "/admin/v1/contacts/" + list[0].at("id").get<std::string>() + "?timeline=10",
                            {}, bearer(admin_token));
    if (one.status != 200) return false;
    contact = nlohmann::json::parse(one.body);
    std::size_t touches = 0;
    for (const auto& t : contact.at("timeline")) touches += t.value("k", "") == "touch";
    return touches == 2;
  });
}

TEST(E2EChannels, SignedZaloAndMessengerDeliveriesAreAccepted) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  served_gateway g(hooks_config(fresh_tenant("e2e-hooks")),
                   {"LG_E2E_ZALO_SECRET=" + e2e_zalo_secret, "LG_E2E_FB_SECRET=" + e2e_fb_secret});
  const auto port = g.port;
  ASSERT_NE(port, 0);

  const auto zalo = fixture_text("hooks/zalo_submit_flat.json");
  ASSERT_FALSE(zalo.empty());
  const auto zh = zalo_signed_headers(zalo);
  auto z = http_request(port, verb::post, "/v1/hooks/zalo/zalo-oa", zalo, zh);
  ASSERT_EQ(z.status, 200u) << z.body;
  EXPECT_EQ(nlohmann::json::parse(z.body)["accepted"], 1);
  auto z2 = http_request(port, verb::post, "/v1/hooks/zalo/zalo-oa", zalo, zh);
  ASSERT_EQ(z2.status, 200u) << z2.body;
  EXPECT_EQ(nlohmann::json::parse(z2.body)["duplicates"], 1);

  const auto fb = fixture_text("hooks/facebook_message.json");
  auto f = http_request(port, verb::post, "/v1/hooks/facebook/fb-page", fb, facebook_signed_headers(fb));
  ASSERT_EQ(f.status, 200u) << f.body;
  EXPECT_EQ(nlohmann::json::parse(f.body)["accepted"], 1);

  auto forged = http_request(port, verb::post, "/v1/hooks/facebook/fb-page", fb,
                             {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", "sha256=" + std::string(64, '0')}});
  EXPECT_EQ(forged.status, 401u) << forged.body;

  auto metrics = http_request(port, verb::get, "/metrics");
  EXPECT_NE(metrics.body.find("leadgate_signature_failures_total{source=\"fb-page\"} 1"), std::string::npos);

  EXPECT_EQ(g.terminate(std::chrono::seconds(5)), std::optional<int>(0));
}

TEST(E2EChannels, MissingWebhookSecretFailsAtStartup) {
  const auto cfg = write_temp("leadgate.json", hooks_config(fresh_tenant("e2e-hooks")).dump(2));
  child_process p({LG_BINARY, "serve", "--config", cfg.string(), "--port", "0"},
                  {"LEADGATE_REDIS_URL=redis://127.0.0.1:1", "LG_E2E_FB_SECRET=" + e2e_fb_secret});
  const auto code = p.wait(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);  // a config error
  fs::remove_all(cfg.parent_path());
}

TEST(E2EChannels, MissedCallAndFormFromOnePhoneAreOneContactWithTwoTouches) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  const std::string stringee_secret = "e2e-stringee-secret";
  const std::string admin_token = "e2e-admin-token-missed-call-0001";
  auto j = worker_config(fresh_tenant("e2e-missed"), admin_token, "viewer", 3000);
  j["teams"] = {{{"id", "sales"}, {"members", {{{"id", "an"}}}}}, {{"id", "callback"}, {"members", {{{"id", "binh"}}}}}};
  j["routing"] = {{"default_team", "sales"},
                  {"rules",
                   {{{"name", "missed calls"},
                     {"conditions", {{"all", {{{"field", "extra.missed_call"}, {"op", "equals"}, {"value", "true"}}}}}},
                     {"action", {{"team", "callback"}}}}}}};
  j["sources"] = nlohmann::json::array(
      {stringee_source(),
       {{"id", "website"}, {"channel", "web_form"}, {"field_map", {{"full_name", {"ho_ten"}}, {"phone", {"sdt"}}}},
        {"required", {"phone"}}}});
  served_gateway g(j, {"LG_E2E_STRINGEE_SECRET=" + stringee_secret});
  const auto port = g.port;
  ASSERT_NE(port, 0);

  const auto call = fixture_text("telephony/stringee_missed.json");  // from 0987654321, answeredTime 0
  auto c = post_stringee(port, stringee_secret, call);
  ASSERT_EQ(c.status, 200u) << c.body;
  ASSERT_EQ(nlohmann::json::parse(c.body)["accepted"], 1);
  auto form = post_website_form(port, "ho_ten=Nguy%E1%BB%85n+Lan&sdt=%2B84987654321");
  ASSERT_EQ(form.status, 202u) << form.body;

  nlohmann::json contact;
  ASSERT_TRUE(one_contact_with_two_touches(port, "0987654321", admin_token, contact)) << contact.dump();
  std::multiset<std::string> channels;
  for (const auto& t : contact.at("timeline"))
    if (t.value("k", "") == "touch") channels.insert(t.value("ch", ""));
  EXPECT_EQ(channels, (std::multiset<std::string>{"hotline", "web_form"}));
  EXPECT_EQ(contact.at("name"), "Nguyễn Lan");

  // The flag routed the call to the call-back team; the form, from the same (now returning)
  // person, stays with that owner (sticky owner) rather than going to the default team.
  nlohmann::json queues;
  ASSERT_TRUE(eventually([&] {
    auto q = http_request(port, verb::get, "/admin/v1/queues", {}, bearer(admin_token));
    if (q.status != 200) return false;
    queues = nlohmann::json::parse(q.body);
    std::map<std::string, long> len;
    for (const auto& t : queues.at("teams")) len[t.at("id")] = t.at("stream_length").get<long>();
    return len["callback"] == 2 && len["sales"] == 0;
  })) << queues.dump();

  EXPECT_EQ(g.terminate(std::chrono::seconds(5)), std::optional<int>(0));
}

// A caller ID in a range Debian's phone metadata does not know (089 outside 0896–0899) is the
// provider's fact: both calls from it are one contact, flagged unverified_phone. A form that
// types the same number is still refused, naming the field.
TEST(E2EChannels, CallsFromAnUnknownRangeCallerIdAreOneContactFlaggedUnverified) {
  ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set";
  const std::string stringee_secret = "e2e-stringee-secret-2";
  const std::string admin_token = "e2e-admin-token-unverified-0001";
  auto j = worker_config(fresh_tenant("e2e-unverified"), admin_token, "viewer", 3000);
  j["teams"] = {{{"id", "sales"}, {"members", {{{"id", "an"}}}}}};
  j["sources"] = nlohmann::json::array(
      {stringee_source(),
       {{"id", "website"}, {"channel", "web_form"}, {"field_map", {{"phone", {"sdt"}}}}, {"required", {"phone"}}}});
  served_gateway g(j, {"LG_E2E_STRINGEE_SECRET=" + stringee_secret});
  const auto port = g.port;
  ASSERT_NE(port, 0);

  for (const char* id : {"call-unverified-1", "call-unverified-2"}) {
    auto call = nlohmann::json::parse(fixture_text("telephony/stringee_missed.json"));
    call["call_id"] = id;
    call["from"]["number"] = call["from"]["alias"] = "0891180920";
    auto c = post_stringee(port, stringee_secret, call.dump());
    ASSERT_EQ(c.status, 200u) << c.body;
    ASSERT_EQ(nlohmann::json::parse(c.body)["accepted"], 1) << c.body;
  }

  nlohmann::json contact;
  ASSERT_TRUE(one_contact_with_two_touches(port, "0891180920", admin_token, contact)) << contact.dump();
  ASSERT_EQ(contact.at("phones").size(), 1u) << contact.dump();
  EXPECT_EQ(contact["phones"][0]["value"], "+84891180920");
  EXPECT_EQ(contact["phones"][0].value("unverified", false), true);
  EXPECT_EQ(contact.at("flags"), nlohmann::json::array({"unverified_phone"}));

  auto form = post_website_form(port, "sdt=0891180920");
  EXPECT_EQ(form.status, 400u) << form.body;
  EXPECT_EQ(nlohmann::json::parse(form.body)["error"]["field"], "phone") << form.body;

  EXPECT_EQ(g.terminate(std::chrono::seconds(5)), std::optional<int>(0));
}

}  // namespace
}  // namespace lg::test
