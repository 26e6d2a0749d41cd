// GET/POST /v1/hooks/facebook/{source} against a real Redis: the hub.challenge handshake, a
// Messenger message, a Lead Ads leadgen change, a batch over several entries; forged, altered and
// unsigned deliveries; replays keyed by mid / leadgen_id; well-signed garbage in quarantine.
#include "hooks_harness.hpp"

namespace lg::test::hooks {
namespace {

using Facebook = HooksTest;

TEST_F(Facebook, HandshakeEchoesTheChallengeOrRefuses) {
  auto ok = http_request(port(), http::verb::get,
                         "/v1/hooks/facebook/fb-page?hub.mode=subscribe&hub.verify_token=" + fb_verify_token +
                             "&hub.challenge=1158201444");
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.body, "1158201444");
  EXPECT_EQ(ok.header("Content-Type"), "text/plain");

  auto wrong = http_request(port(), http::verb::get,
                            "/v1/hooks/facebook/fb-page?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1");
  EXPECT_EQ(wrong.status, 403u) << wrong.body;
  EXPECT_EQ(nlohmann::json::parse(wrong.body)["error"]["code"], "forbidden");
  EXPECT_TRUE(events().empty());
}

TEST_F(Facebook, MessengerMessageIsATouchKeyedByMid) {
  auto a = post_signed_facebook(fixture("facebook_message.json"));
  std::vector<nlohmann::json> ev;
  ASSERT_NO_FATAL_FAILURE(expect_events(a, 1, ev));
  EXPECT_EQ(nlohmann::json::parse(a.body)["accepted"], 1);
  EXPECT_EQ(ev[0]["event_id"], "facebook:mid:m_hook_msg_0001");
  EXPECT_EQ(ev[0]["channel"], "facebook_messenger");
  EXPECT_EQ(ev[0]["source"], "fb-page");
  EXPECT_EQ(ev[0]["message"], "Trung tâm có lớp IELTS buổi tối không?");
  EXPECT_NE(ev[0].dump().find("24680135790001"), std::string::npos);  // the PSID
}

TEST_F(Facebook, LeadgenChangeIsALeadKeyedByLeadgenId) {
  std::vector<nlohmann::json> ev;
  ASSERT_NO_FATAL_FAILURE(expect_events(post_signed_facebook(fixture("facebook_leadgen.json")), 1, ev));
  EXPECT_EQ(ev[0]["event_id"], "facebook:lead:900100200300");
  EXPECT_EQ(ev[0]["channel"], "facebook_lead_ads");
}

TEST_F(Facebook, BatchOverSeveralEntriesIsEveryItem) {
  const auto body = fixture("facebook_batch.json");
  auto a = post_signed_facebook(body);
  std::vector<nlohmann::json> ev;
  ASSERT_NO_FATAL_FAILURE(expect_events(a, 4, ev));
  EXPECT_EQ(nlohmann::json::parse(a.body)["accepted"], 4);
  std::set<std::string> ids;
  for (const auto& e : ev) ids.insert(e["event_id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"facebook:mid:m_hook_batch_0001", "facebook:mid:m_hook_batch_0002",
                                        "facebook:mid:m_hook_batch_0003", "facebook:lead:900100200301"}));
  // Meta retries the whole batch: nothing new.
  auto again = post_signed_facebook(body);
  ASSERT_EQ(again.status, 200u);
  EXPECT_EQ(nlohmann::json::parse(again.body)["duplicates"], 4);
  EXPECT_EQ(events().size(), 4u);
}

TEST_F(Facebook, ReplayedMidAndLeadgenIdAreOneEntryEach) {
  const auto msg = fixture("facebook_message.json");
  const auto lead = fixture("facebook_leadgen.json");
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(post_signed_facebook(msg).status, 200u);
    ASSERT_EQ(post_signed_facebook(lead).status, 200u);
  }
  EXPECT_EQ(events().size(), 2u);
}

TEST_F(Facebook, ForgedAlteredAndMissingSignaturesAre401) {
  const auto body = fixture("facebook_message.json");
  EXPECT_EQ(post_facebook(body, facebook_signature(body, "other-secret")).status, 401u);
  EXPECT_EQ(post_facebook(altered(body), facebook_signature(body)).status, 401u);
  EXPECT_EQ(post("/v1/hooks/facebook/fb-page", body, {{"Content-Type", "application/json"}}).status, 401u);
  // The older sha1 header alone is not enough.
  EXPECT_EQ(post("/v1/hooks/facebook/fb-page", body, {{"X-Hub-Signature", "sha1=0000"}}).status, 401u);
  EXPECT_TRUE(events().empty());
  EXPECT_TRUE(quarantined().empty());
  EXPECT_EQ(metric_value(port(), "leadgate_signature_failures_total{source=\"fb-page\"}"), 4);
}

TEST_F(Facebook, WellSignedGarbageIsQuarantined) {
  const std::string body = R"({"object":"page","entry":"not an array"})";
  std::vector<stream_entry> q;
  ASSERT_NO_FATAL_FAILURE(expect_quarantined(post_signed_facebook(body), 1, q));
  EXPECT_EQ(q[0].fields["source"], "fb-page");
  EXPECT_EQ(q[0].fields["channel"], "facebook");
  EXPECT_EQ(q[0].fields["body"], body);
  auto listed = admin_get("/admin/v1/quarantine?limit=10");
  ASSERT_EQ(listed.status, 200u) << listed.body;
  EXPECT_EQ(nlohmann::json::parse(listed.body)["entries"][0]["fields"]["source"], "fb-page");
}

}  // namespace
}  // namespace lg::test::hooks
