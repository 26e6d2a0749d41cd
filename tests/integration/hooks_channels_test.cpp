// The hotline (Stringee), SMS (Twilio) and email (Mailgun) adapters on the wire through
// POST /v1/hooks/{telephony,sms,email}/{source}: a valid signature lands on lg:{t}:in; forged,
// altered by one byte and missing signatures are 401 with nothing stored; a replay is one entry;
// well-signed garbage is a 2xx and a quarantine entry.
#include "hooks_harness.hpp"

namespace lg::test::hooks {
namespace {

using Channels = HooksTest;

const std::string stringee_target = "/v1/hooks/telephony/hotline-main";
const std::string sms_target = "/v1/hooks/sms/sms-twilio";
const std::string mail_target = "/v1/hooks/email/mail-in";
const std::map<std::string, std::string> form_type{{"Content-Type", "application/x-www-form-urlencoded"}};

http_answer post_stringee(HooksTest& t, const std::string& body, std::optional<std::string> signature) {
  std::map<std::string, std::string> h{{"Content-Type", "application/json"}};
  if (signature) h["X-STRINGEE-SIGNATURE"] = *signature;
  return http_request(t.server_->port(), http::verb::post, stringee_target, body, h);
}

http_answer post_sms(HooksTest& t, const std::string& body, std::optional<std::string> signature) {
  auto h = form_type;
  if (signature) h["X-Twilio-Signature"] = *signature;
  return http_request(t.server_->port(), http::verb::post, sms_target, body, h);
}

TEST_F(Channels, StringeeCallLandsWithItsSignature) {
  const auto body = fixture("stringee_call.json");
  std::vector<nlohmann::json> ev;
  ASSERT_NO_FATAL_FAILURE(expect_events(post_stringee(*this, body, stringee_signature(body)), 1, ev));
  EXPECT_EQ(ev[0]["event_id"], "hotline:call:call-vn-hook-0001");
  EXPECT_EQ(ev[0]["channel"], "hotline");
  EXPECT_EQ(ev[0]["source"], "hotline-main");
  EXPECT_EQ(ev[0]["contact"]["phones"][0], "+84912000333");
}

TEST_F(Channels, StringeeRefusesForgedAlteredAndUnsigned) {
  const auto body = fixture("stringee_call.json");
  EXPECT_EQ(post_stringee(*this, body, stringee_signature(body, "wrong")).status, 401u);
  EXPECT_EQ(post_stringee(*this, altered(body), stringee_signature(body)).status, 401u);
  EXPECT_EQ(post_stringee(*this, body, std::nullopt).status, 401u);
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(metric_value(port(), "leadgate_signature_failures_total{source=\"hotline-main\"}"), 3);
}

TEST_F(Channels, StringeeReplayAndGarbage) {
  const auto body = fixture("stringee_call.json");
  ASSERT_EQ(post_stringee(*this, body, stringee_signature(body)).status, 200u);
  auto again = post_stringee(*this, body, stringee_signature(body));
  ASSERT_EQ(again.status, 200u);
  EXPECT_EQ(nlohmann::json::parse(again.body)["duplicates"], 1);
  EXPECT_EQ(events().size(), 1u);

  const std::string junk = "[1,2,3]";
  ASSERT_EQ(post_stringee(*this, junk, stringee_signature(junk)).status, 200u);
  auto q = quarantined();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].fields["channel"], "telephony");
  EXPECT_EQ(q[0].fields["body"], junk);
  EXPECT_EQ(events().size(), 1u);
}

TEST_F(Channels, TwilioSmsLandsAndAnswersTwiml) {
  const auto body = fixture("twilio_sms.form");
  auto a = post_sms(*this, body, twilio_signature(sms_target, body));
  std::vector<nlohmann::json> ev;
  ASSERT_NO_FATAL_FAILURE(expect_events(a, 1, ev));
  EXPECT_EQ(a.header("Content-Type"), "text/xml");
  EXPECT_NE(a.body.find("<Response>"), std::string::npos);
  EXPECT_EQ(ev[0]["event_id"], "sms:msg:SM0hook0000000000000000000000001");
  EXPECT_EQ(ev[0]["channel"], "sms");
  EXPECT_EQ(ev[0]["message"], "Dang ky hoc thu IELTS");
  // The replay is answered the same way and adds nothing.
  ASSERT_EQ(post_sms(*this, body, twilio_signature(sms_target, body)).status, 200u);
  EXPECT_EQ(events().size(), 1u);
}

TEST_F(Channels, TwilioSmsRefusesForgedAlteredAndUnsigned) {
  const auto body = fixture("twilio_sms.form");
  EXPECT_EQ(post_sms(*this, body, twilio_signature(sms_target, body, "wrong-token")).status, 401u);
  std::string changed = body;
  changed[changed.find("IELTS")] = 'J';
  EXPECT_EQ(post_sms(*this, changed, twilio_signature(sms_target, body)).status, 401u);
  EXPECT_EQ(post_sms(*this, body, std::nullopt).status, 401u);
  EXPECT_TRUE(events().empty());
}

TEST_F(Channels, TwilioSmsWithoutMessageSidIsQuarantined) {
  const std::string body = "From=%2B84912000444&Body=hello";
  std::vector<stream_entry> q;
  ASSERT_NO_FATAL_FAILURE(expect_quarantined(post_sms(*this, body, twilio_signature(sms_target, body)), 1, q));
  EXPECT_EQ(q[0].fields["source"], "sms-twilio");
  EXPECT_EQ(q[0].fields["body"], body);
}

TEST_F(Channels, MailgunEmailLandsAndReplaysOnce) {
  const auto body = signed_mailgun_form();
  auto a = post(mail_target, body, form_type);
  ASSERT_EQ(a.status, 200u) << a.body;
  ASSERT_EQ(post(mail_target, body, form_type).status, 200u);
  auto ev = events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0]["channel"], "email");
  EXPECT_EQ(ev[0]["contact"]["emails"][0], "lan.pham@example.com");
}

TEST_F(Channels, MailgunRefusesForgedAlteredAndUnsigned) {
  const auto forged = signed_mailgun_form("another-key");
  EXPECT_EQ(post(mail_target, forged, form_type).status, 401u);
  auto body = signed_mailgun_form();
  std::string changed = body;
  changed[changed.find("token=") + 6] = 'f';  // the signed token, one byte off
  EXPECT_EQ(post(mail_target, changed, form_type).status, 401u);
  const auto unsigned_body = body.substr(0, body.find("&signature="));
  EXPECT_EQ(post(mail_target, unsigned_body, form_type).status, 401u);
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(metric_value(port(), "leadgate_signature_failures_total{source=\"mail-in\"}"), 3);
}

}  // namespace
}  // namespace lg::test::hooks
