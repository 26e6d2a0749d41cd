// Mailgun inbound routes: signature over timestamp+token (valid, forged, expired, future),
// the sender as the contact, Message-Id as the shared idempotency key, body bounds.
#include "adapters/email/email_hook.hpp"
#include "core/digest.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

namespace lg::adapters {
namespace {

std::string fixture(const std::string& name) { return test_support::fixture("email", name); }

// hex(HMAC-SHA256("mg-signing-key", "1763780000" + token of the fixture)), computed with Python.
constexpr const char* fixture_sig = "8832c9da78ae8414b6d6017b26f83958dd1f66289756a488c7af9fbab77bbd62";
constexpr std::int64_t fixture_ts = 1763780000;

config::source_config source(nlohmann::json extra = nlohmann::json::object()) {
  auto s = test_support::source("mail-tuyensinh", "email", "mailgun", {{"signing_key", "mg-signing-key"}});
  s.options.update(extra);
  return s;
}

inbound_request request(std::string body) {
  return test_support::post("/v1/hooks/email/mail-tuyensinh", std::move(body), "application/x-www-form-urlencoded");
}

auto at(std::int64_t now, nlohmann::json extra = nlohmann::json::object()) {
  return email::make_email_adapter(source(std::move(extra)), "sources[3]", [now] { return now; });
}

TEST(EmailHookMailgun, ValidSignatureMakesAnEmailTouch) {
  const auto out = at(fixture_ts + 10)->handle(request(fixture("mailgun_inbound.form") + "&signature=" + fixture_sig));
  ASSERT_TRUE(test_support::has_one_event(out));
  const auto& e = out->events[0];
  EXPECT_EQ(e.event_id, "email:msgid:CAF=abc123@mail.gmail.com");
  EXPECT_EQ(e.chan, core::channel::email);
  EXPECT_EQ(e.contact.emails, std::vector<std::string>{"lan.nguyen@gmail.com"});
  test_support::expect_name(e.contact, "Nguyễn Thị Lan", "Nguyễn", "Thị Lan");
  EXPECT_EQ(e.message, "Chào trung tâm, cho em hỏi học phí.");  // stripped-text preferred
  EXPECT_EQ(e.extra.at("subject"), "Hỏi học phí IELTS");
  EXPECT_EQ(e.extra.at("recipient"), "tuyensinh@trungtam.edu.vn");
  EXPECT_FALSE(e.extra.contains("body_truncated"));
  EXPECT_EQ(e.occurred_at, "2025-11-22T02:53:20.000Z");
}

TEST(EmailHookMailgun, ForgedSignatureOrKeyIsUnauthorized) {
  auto body = fixture("mailgun_inbound.form") + "&signature=" + fixture_sig;
  body.replace(body.find("timestamp=1763780000"), 20, "timestamp=1763780001");
  EXPECT_EQ(at(fixture_ts)->handle(request(body)).error().code, core::errc::unauthorized);
  const auto other_key = email::make_email_adapter(source({{"signing_key", "old-api-key"}}), "sources[3]",
                                                   [] { return fixture_ts; });
  EXPECT_EQ(other_key->handle(request(fixture("mailgun_inbound.form") + "&signature=" + fixture_sig)).error().code,
            core::errc::unauthorized);
  EXPECT_EQ(at(fixture_ts)->handle(request(fixture("mailgun_inbound.form"))).error().code, core::errc::unauthorized);
}

TEST(EmailHookMailgun, ExpiredOrFutureTimestampIsUnauthorized) {
  const auto body = fixture("mailgun_inbound.form") + "&signature=" + fixture_sig;
  EXPECT_TRUE(at(fixture_ts + 300)->handle(request(body)).has_value());
  EXPECT_EQ(at(fixture_ts + 301)->handle(request(body)).error().code, core::errc::unauthorized);
  EXPECT_EQ(at(fixture_ts - 301)->handle(request(body)).error().code, core::errc::unauthorized);
  EXPECT_TRUE(at(fixture_ts + 3000, {{"max_age_s", 3600}})->handle(request(body)).has_value());
}

std::string signed_body(const std::string& fields, const std::string& token) {
  const std::string ts = std::to_string(fixture_ts);
  return fields + "&timestamp=" + ts + "&token=" + token + "&signature=" +
         core::to_hex(core::hmac_sha256("mg-signing-key", ts + token));
}

TEST(EmailHookMailgun, TokenKeyWithoutHeadersAndBigBodyTruncated) {
  const std::string big(40000, 'x');
  const auto out = at(fixture_ts, {{"max_body", 1000}})
                       ->handle(request(signed_body("from=lan%40example.com&subject=Hi&body-plain=" + big, "tok123")));
  ASSERT_TRUE(out.has_value()) << out.error().message;
  const auto& e = out->events.at(0);
  EXPECT_EQ(e.event_id, "email:mailgun:tok123");
  EXPECT_EQ(e.message.size(), 1000u);
  EXPECT_EQ(e.extra.at("body_truncated"), "true");
  EXPECT_TRUE(e.contact.full_name.empty());
}

TEST(EmailHookMailgun, SenderWhenFromHasNoAddressAndQuarantine) {
  const auto a = at(fixture_ts);
  const auto out = a->handle(request(signed_body("from=Undisclosed&sender=bounce%40lists.example.vn&body-plain=hi", "t1")));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->events.at(0).contact.emails, std::vector<std::string>{"bounce@lists.example.vn"});
  const auto nobody = a->handle(request(signed_body("subject=x&body-plain=hi", "t2")));
  ASSERT_TRUE(nobody.has_value());
  EXPECT_TRUE(nobody->quarantine_reason.has_value());
  EXPECT_TRUE(nobody->events.empty());
}

TEST(EmailHookMailgun, MultipartBody) {
  const std::string ts = std::to_string(fixture_ts);
  const std::string sigv = core::to_hex(core::hmac_sha256("mg-signing-key", ts + "mp-token"));
  auto part = [](const std::string& name, const std::string& value) {
    return "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  };
  auto r = request(part("timestamp", ts) + part("token", "mp-token") + part("signature", sigv) +
                   part("from", "\"Trần, Minh\" <minh@example.vn>") + part("body-plain", "Xin chào") +
                   "--XyZ\r\nContent-Disposition: form-data; name=\"attachment-1\"; filename=\"cv.pdf\"\r\n"
                   "Content-Type: application/pdf\r\n\r\n%PDF-1.4 binary\r\n--XyZ--\r\n");
  r.content_type = "multipart/form-data; boundary=XyZ";
  const auto out = at(fixture_ts)->handle(r);
  ASSERT_TRUE(out.has_value()) << out.error().message;
  const auto& e = out->events.at(0);
  EXPECT_EQ(e.contact.emails.at(0), "minh@example.vn");
  EXPECT_EQ(e.contact.full_name, "Trần, Minh");
  EXPECT_EQ(e.message, "Xin chào");
}

TEST(EmailHookHelpers, MailboxesAndMessageIds) {
  auto m = email::parse_mailbox("\"Nguyễn \\\"Lan\\\"\" <Lan@Example.com>");
  EXPECT_EQ(m.name, "Nguyễn \"Lan\"");
  EXPECT_EQ(m.address, "Lan@Example.com");
  m = email::parse_mailbox("lan@example.com (Lan)");
  EXPECT_EQ(m.address, "lan@example.com");
  EXPECT_EQ(m.name, "Lan");
  EXPECT_EQ(email::message_id_event_id(" <a.b@c> "), "email:msgid:a.b@c");
  EXPECT_FALSE(email::message_id_event_id("<>"));
  const auto hashed = email::message_id_event_id("<" + std::string(300, 'x') + "@y>");
  ASSERT_TRUE(hashed);
  EXPECT_EQ(hashed->rfind("email:msgid:sha256:", 0), 0u);
  EXPECT_EQ(hashed->size(), std::string("email:msgid:sha256:").size() + 64);
  EXPECT_EQ(email::message_id_from_header_block("Subject: x\r\nMessage-ID:\r\n <id-1@host>\r\nTo: y\r\n"), "<id-1@host>");
  EXPECT_FALSE(email::message_id_from_header_block("Subject: x\r\n\r\nMessage-ID: <body@not.header>\r\n"));
  EXPECT_EQ(email::message_id_from_json_headers(R"([["message-id","<k@l>"]])"), "<k@l>");
  EXPECT_FALSE(email::message_id_from_json_headers("not json"));
}

TEST(EmailHookHelpers, ConfigErrors) {
  auto s = source();
  s.options.erase("signing_key");
  EXPECT_THROW(email::make_email_adapter(s, "sources[0]"), config::config_error);
  EXPECT_THROW(email::make_email_adapter(source({{"max_age_s", 1}}), "sources[0]"), config::config_error);
  auto imap = source();
  imap.preset = "imap";
  EXPECT_EQ(email::make_email_adapter(imap, "sources[0]"), nullptr);
}

}  // namespace
}  // namespace lg::adapters
