// SendGrid Inbound Parse: multipart fields, envelope, Message-ID key, and authentication by a
// URL token or basic auth (ok and wrong).
#include "adapters/email/email_hook.hpp"
#include "core/digest.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

// Its own namespace: the test programs are unity builds, and the helper names repeat.
namespace lg::adapters::email_hook_sendgrid_test {
namespace {

std::string part(const std::string& name, const std::string& value) {
  return "--sgB\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}

std::string body() {
  return part("headers", "Received: by mx.sendgrid.net\r\nMessage-ID: <sg-77@mail.example.vn>\r\nSubject: Đăng ký\r\n") +
         part("from", "Phạm Văn Hùng <hung.pham@example.vn>") + part("to", "tuvan@trungtam.edu.vn") +
         part("subject", "Đăng ký học thử") + part("text", "Em muốn đăng ký học thử, sđt 0912345678.") +
         part("envelope", R"({"to":["tuvan@trungtam.edu.vn"],"from":"hung.pham@example.vn"})") + "--sgB--\r\n";
}

config::source_config source(nlohmann::json options) {
  return test_support::source("sg", "email", "sendgrid", std::move(options));
}

inbound_request request(const std::string& query, std::string authorization = {}, std::string b = body()) {
  return test_support::with_header(test_support::post("/v1/hooks/email/sg" + (query.empty() ? "" : "?" + query),
                                                      std::move(b), "multipart/form-data; boundary=sgB"),
                                   "authorization", std::move(authorization));
}

TEST(EmailHookSendgrid, TokenOkParsesTheMessage) {
  const auto a = email::make_email_adapter(source({{"token", "sg-secret"}}), "sources[5]");
  const auto out = a->handle(request("token=sg-secret"));
  ASSERT_TRUE(test_support::has_one_event(out));
  const auto& e = out->events[0];
  EXPECT_EQ(e.event_id, "email:msgid:sg-77@mail.example.vn");
  EXPECT_EQ(e.contact.emails.at(0), "hung.pham@example.vn");
  EXPECT_EQ(e.contact.full_name, "Phạm Văn Hùng");
  EXPECT_TRUE(e.contact.phones.empty());  // the phone in the text is a mention, not identity
  EXPECT_EQ(e.extra.at("mentioned_phones"), "+84912345678");
  EXPECT_EQ(e.extra.at("recipient"), "tuvan@trungtam.edu.vn");
  EXPECT_EQ(e.extra.at("subject"), "Đăng ký học thử");
  EXPECT_EQ(e.message, "Em muốn đăng ký học thử, sđt 0912345678.");
}

TEST(EmailHookSendgrid, WrongOrMissingTokenIsUnauthorized) {
  const auto a = email::make_email_adapter(source({{"token", "sg-secret"}}), "sources[5]");
  EXPECT_EQ(a->handle(request("token=sg-secreT")).error().code, core::errc::unauthorized);
  EXPECT_EQ(a->handle(request("")).error().code, core::errc::unauthorized);
  EXPECT_EQ(a->handle(request("token=sg-secret-and-more")).error().code, core::errc::unauthorized);
}

TEST(EmailHookSendgrid, BasicAuth) {
  const auto a = email::make_email_adapter(source({{"username", "parse"}, {"password", "p@ss:w0rd"}}), "sources[5]");
  EXPECT_TRUE(a->handle(request("", "Basic " + core::base64_encode("parse:p@ss:w0rd"))).has_value());
  EXPECT_TRUE(a->handle(request("", "basic " + core::base64_encode("parse:p@ss:w0rd"))).has_value());
  EXPECT_EQ(a->handle(request("", "Basic " + core::base64_encode("parse:wrong"))).error().code, core::errc::unauthorized);
  EXPECT_EQ(a->handle(request("", "Bearer abc")).error().code, core::errc::unauthorized);
  EXPECT_EQ(a->handle(request("", "Basic !!!")).error().code, core::errc::unauthorized);
  EXPECT_EQ(a->handle(request("")).error().code, core::errc::unauthorized);
}

TEST(EmailHookSendgrid, WithoutMessageIdTheKeyIsStableAndBodyIsBounded) {
  const auto a = email::make_email_adapter(source({{"token", "t"}, {"max_body", 10}}), "sources[5]");
  const std::string b = part("from", "x@example.vn") + part("subject", "s") + part("text", "Nội dung dài hơn mười byte") + "--sgB--\r\n";
  const auto one = a->handle(request("token=t", {}, b));
  const auto two = a->handle(request("token=t", {}, b));
  ASSERT_TRUE(one.has_value() && two.has_value());
  EXPECT_EQ(one->events.at(0).event_id, two->events.at(0).event_id);
  EXPECT_EQ(one->events[0].event_id.rfind("email:sendgrid:", 0), 0u);
  EXPECT_EQ(one->events[0].extra.at("body_truncated"), "true");
  EXPECT_LE(one->events[0].message.size(), 10u);
  EXPECT_EQ(one->events[0].message, "Nội dung");  // the cut never splits a character
}

TEST(EmailHookSendgrid, RawMimeAndGarbageAreQuarantined) {
  const auto a = email::make_email_adapter(source({{"token", "t"}}), "sources[5]");
  const auto raw = a->handle(request("token=t", {}, part("email", "From: a@b\r\n\r\nhi") + "--sgB--\r\n"));
  ASSERT_TRUE(raw.has_value());
  EXPECT_TRUE(raw->quarantine_reason.has_value());
  const auto garbage = a->handle(request("token=t", {}, "not multipart at all"));
  ASSERT_TRUE(garbage.has_value());
  EXPECT_TRUE(garbage->quarantine_reason.has_value());
}

TEST(EmailHookSendgrid, NeedsSomeAuthentication) {
  EXPECT_THROW(email::make_email_adapter(source(nlohmann::json::object()), "sources[5]"), config::config_error);
  EXPECT_THROW(email::make_email_adapter(source({{"username", "u"}}), "sources[5]"), config::config_error);
}

}  // namespace
}  // namespace lg::adapters::email_hook_sendgrid_test
