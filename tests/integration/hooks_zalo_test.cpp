// POST /v1/hooks/zalo/{source} against a real Redis: signed user_submit_info (flat and nested),
// user_send_text and follow land on lg:{t}:in; forged, altered and unsigned deliveries are 401
// and leave nothing; a replay is one entry; receipts are counted; well-signed garbage is kept in
// quarantine and seen through the admin route; Redis down is a 503 the provider retries.
#include "hooks_harness.hpp"

namespace lg::test::hooks {
namespace {

using Zalo = HooksTest;

TEST_F(Zalo, SubmitInfoFlatIsAFullContact) {
  auto a = post_signed_zalo(fixture("zalo_submit_flat.json"));
  std::vector<nlohmann::json> ev;
  ASSERT_NO_FATAL_FAILURE(expect_events(a, 1, ev));
  auto ack = nlohmann::json::parse(a.body);
  EXPECT_EQ(ack["accepted"], 1);
  EXPECT_EQ(ack["duplicates"], 0);

  EXPECT_EQ(ev[0]["source"], "zalo-oa");
  EXPECT_EQ(ev[0]["channel"], "zalo");
  EXPECT_EQ(ev[0]["contact"]["full_name"], "Phạm Thu Hà");
  EXPECT_EQ(ev[0]["contact"]["phones"][0], "+84912000111");
  EXPECT_EQ(ev[0]["contact"]["city"], "Hà Nội");
  EXPECT_TRUE(ev[0]["lead_id"].get<std::string>().starts_with("ld_"));
  EXPECT_EQ(metric_value(port(), "leadgate_leads_accepted_total{source=\"zalo-oa\"}"), 1);
}

TEST_F(Zalo, SubmitInfoNestedIsAFullContact) {
  std::vector<nlohmann::json> ev;
  ASSERT_NO_FATAL_FAILURE(expect_events(post_signed_zalo(fixture("zalo_submit_nested.json")), 1, ev));
  EXPECT_EQ(ev[0]["contact"]["full_name"], "Đỗ Minh Khoa");
  EXPECT_EQ(ev[0]["contact"]["phones"][0], "+84987000222");
  EXPECT_EQ(ev[0]["contact"]["city"], "Đà Nẵng");
}

TEST_F(Zalo, SendTextAndFollowAreTouches) {
  const auto text = fixture("zalo_send_text.json");
  const auto follow = fixture("zalo_follow.json");
  ASSERT_EQ(post_signed_zalo(text).status, 200u);
  ASSERT_EQ(post_signed_zalo(follow).status, 200u);
  auto ev = events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0]["event_id"], "zalo:msg:a81f0c2e9b7d4c3a1e5f");
  EXPECT_EQ(ev[0]["message"], "Lớp tiếng Anh cho bé 8 tuổi học phí bao nhiêu ạ?");
  EXPECT_NE(ev[0].dump().find("5120394857102938475"), std::string::npos);  // the Zalo user id, as a string
  EXPECT_NE(ev[1]["event_id"].get<std::string>().find("follow"), std::string::npos);
  EXPECT_NE(ev[1].dump().find("5120394857102938477"), std::string::npos);
}

TEST_F(Zalo, ReplayedDeliveryIsOneEntry) {
  const auto body = fixture("zalo_send_text.json");
  auto first = post_signed_zalo(body);
  auto second = post_signed_zalo(body);
  ASSERT_EQ(first.status, 200u) << first.body;
  ASSERT_EQ(second.status, 200u) << second.body;
  EXPECT_EQ(nlohmann::json::parse(second.body)["duplicates"], 1);
  EXPECT_EQ(nlohmann::json::parse(second.body)["accepted"], 0);
  EXPECT_EQ(events().size(), 1u);
  EXPECT_EQ(metric_value(port(), "leadgate_leads_duplicate_total{source=\"zalo-oa\"}"), 1);
}

TEST_F(Zalo, ForgedAlteredAndMissingSignaturesAre401AndLeaveNothing) {
  const auto body = fixture("zalo_submit_flat.json");
  auto forged = post_zalo(body, zalo_signature(body, "not-the-secret"));
  EXPECT_EQ(forged.status, 401u) << forged.body;
  EXPECT_EQ(nlohmann::json::parse(forged.body)["error"]["code"], "unauthorized");

  auto changed = post_zalo(altered(body), zalo_signature(body));
  EXPECT_EQ(changed.status, 401u) << changed.body;

  auto missing = post("/v1/hooks/zalo/zalo-oa", body, {{"Content-Type", "application/json"}});
  EXPECT_EQ(missing.status, 401u) << missing.body;

  EXPECT_TRUE(events().empty());
  EXPECT_TRUE(quarantined().empty());
  EXPECT_EQ(metric_value(port(), "leadgate_signature_failures_total{source=\"zalo-oa\"}"), 3);
}

TEST_F(Zalo, ReceiptIsIgnoredAndCounted) {
  auto a = post_signed_zalo(fixture("zalo_seen.json"));
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(nlohmann::json::parse(a.body)["ignored"], 1);
  EXPECT_TRUE(events().empty());
  EXPECT_TRUE(quarantined().empty());
  EXPECT_EQ(metric_value(port(), "leadgate_hook_ignored_total{source=\"zalo-oa\"}"), 1);
}

TEST_F(Zalo, WellSignedGarbageIsQuarantinedAndVisibleToAdmins) {
  const std::string body = "{\"app_id\":\"" + zalo_app_id + "\",\"timestamp\":\"1731000000000\",\"event_name\":42}";
  auto a = post_signed_zalo(body);
  std::vector<stream_entry> q;
  ASSERT_NO_FATAL_FAILURE(expect_quarantined(a, 1, q));
  EXPECT_EQ(nlohmann::json::parse(a.body)["quarantined"], true);
  EXPECT_EQ(q[0].fields["source"], "zalo-oa");
  EXPECT_EQ(q[0].fields["channel"], "zalo");
  EXPECT_EQ(q[0].fields["body"], body);
  EXPECT_FALSE(q[0].fields["reason"].empty());
  EXPECT_FALSE(q[0].fields["received_at"].empty());
  auto headers = nlohmann::json::parse(q[0].fields["headers"]);
  EXPECT_EQ(headers["x-zevent-signature"], zalo_signature(body));
  EXPECT_EQ(headers["content-type"], "application/json");

  auto listed = admin_get("/admin/v1/quarantine");
  ASSERT_EQ(listed.status, 200u) << listed.body;
  auto j = nlohmann::json::parse(listed.body);
  ASSERT_EQ(j["entries"].size(), 1u);
  EXPECT_EQ(j["entries"][0]["id"], q[0].id);
  EXPECT_EQ(j["entries"][0]["fields"]["body"], body);
  EXPECT_EQ(metric_value(port(), "leadgate_quarantined_total{source=\"zalo-oa\"}"), 1);

  // Not JSON at all, still well signed: kept too.
  const std::string junk = "\x01not json at all\xff";
  ASSERT_EQ(post_signed_zalo(junk).status, 200u);
  auto q2 = quarantined();
  ASSERT_EQ(q2.size(), 2u);
  EXPECT_EQ(q2[1].fields["body"], junk);
}

TEST_F(Zalo, UnknownSourceOrWrongChannelIs404) {
  const auto body = fixture("zalo_send_text.json");
  auto unknown = post("/v1/hooks/zalo/nope", body, {{"X-ZEvent-Signature", zalo_signature(body)}});
  EXPECT_EQ(unknown.status, 404u);
  auto wrong = post("/v1/hooks/facebook/zalo-oa", body, {{"X-ZEvent-Signature", zalo_signature(body)}});
  EXPECT_EQ(wrong.status, 404u);
  auto form = post("/v1/hooks/zalo/website", body, {{"X-ZEvent-Signature", zalo_signature(body)}});
  EXPECT_EQ(form.status, 404u);
  EXPECT_TRUE(events().empty());
}

TEST(ZaloRedisDown, AnswersServiceUnavailableSoZaloRetries) {
  private_redis redis;
  ASSERT_EQ(redis.start(), "");
  test_server server(config::parse(config_json(redis.url())));
  ASSERT_TRUE(server.wait_ready());
  redis.stop();
  const auto body = fixture("zalo_submit_flat.json");
  auto a = http_request(server.port(), http::verb::post, "/v1/hooks/zalo/zalo-oa", body,
                        {{"X-ZEvent-Signature", zalo_signature(body)}});
  EXPECT_EQ(a.status, 503u) << a.body;
  EXPECT_EQ(a.header("Retry-After"), "5");
  EXPECT_EQ(nlohmann::json::parse(a.body)["error"]["code"], "unavailable");
}

}  // namespace
}  // namespace lg::test::hooks
