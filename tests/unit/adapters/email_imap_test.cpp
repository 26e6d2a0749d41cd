// IMAP response framing and reading (adapters/email/imap_protocol), GMime reading of raw
// messages (adapters/email/mime_message) and the event of a polled message with its
// extractor (adapters/email/imap_source).
#include "adapters/email/imap_protocol.hpp"
#include "adapters/email/imap_source.hpp"
#include "adapters/email/mime_message.hpp"

#include <gtest/gtest.h>

namespace lg::adapters::email {
namespace {

TEST(ImapFraming, LineAtATimeAndLiteralsWhole) {
  imap::limits lim;
  std::string buf = "* 1 FETCH (UID 7 BODY[] {11}\r\nhello";
  auto r = imap::take_response(buf, lim);
  ASSERT_TRUE(r.has_value());
  EXPECT_FALSE(r->has_value()) << "the literal is incomplete";
  buf += " world)\r\nlg1 OK done\r\n";
  r = imap::take_response(buf, lim);
  ASSERT_TRUE(r.has_value() && r->has_value());
  EXPECT_EQ((*r)->text, "* 1 FETCH (UID 7 BODY[] {11})");
  ASSERT_EQ((*r)->literals.size(), 1u);
  EXPECT_EQ((*r)->literals[0], "hello world");
  auto f = imap::parse_fetch(**r);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->seq, 1u);
  EXPECT_EQ(f->uid, 7u);
  EXPECT_EQ(f->body, "hello world");
  r = imap::take_response(buf, lim);
  ASSERT_TRUE(r.has_value() && r->has_value());
  auto t = imap::parse_tagged((*r)->text);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->tag, "lg1");
  EXPECT_EQ(t->status, "OK");
  EXPECT_TRUE(buf.empty());
}

TEST(ImapFraming, LimitsAreEnforced) {
  imap::limits lim;
  lim.max_line = 16;
  lim.max_literal = 8;
  std::string long_line(17, 'x');
  EXPECT_FALSE(imap::take_response(long_line, lim).has_value());
  std::string big_literal = "* 1 FETCH (BODY[] {9}\r\n";
  EXPECT_FALSE(imap::take_response(big_literal, lim).has_value());
  std::string ok = "* 1 EXISTS\r\n";
  EXPECT_TRUE(imap::take_response(ok, lim).has_value());
}

TEST(ImapResponses, StatusCodesCapabilitiesAndCounts) {
  EXPECT_EQ(imap::response_code_number("* OK [UIDVALIDITY 3857529045] UIDs valid", "UIDVALIDITY"), 3857529045u);
  EXPECT_EQ(imap::response_code_number("* OK [UIDNEXT 42] Predicted", "UIDNEXT"), 42u);
  EXPECT_FALSE(imap::response_code_number("* OK [UNSEEN 3] First", "UIDNEXT").has_value());
  EXPECT_EQ(imap::untagged_number("* 12 EXISTS", "EXISTS"), 12u);
  EXPECT_FALSE(imap::untagged_number("* 12 EXPUNGE", "EXISTS").has_value());
  EXPECT_FALSE(imap::untagged_number("* OK 12 EXISTS", "EXISTS").has_value());
  auto caps = imap::capabilities("* OK [CAPABILITY IMAP4rev1 LITERAL+ idle AUTH=PLAIN] ready");
  ASSERT_TRUE(caps.has_value());
  EXPECT_TRUE(imap::has_capability(*caps, "IDLE"));
  EXPECT_FALSE(imap::has_capability(*caps, "STARTTLS"));
  EXPECT_FALSE(imap::parse_tagged("* OK hello").has_value());
  EXPECT_FALSE(imap::parse_tagged("lg2 MAYBE").has_value());
  EXPECT_EQ(imap::parse_tagged("lg2 no [AUTHENTICATIONFAILED] bad")->status, "NO");
  EXPECT_TRUE(imap::is_bye("* BYE shutting down"));
  EXPECT_EQ(imap::quoted("pa\"ss\\"), "\"pa\\\"ss\\\\\"");
  EXPECT_FALSE(imap::quoted("mật khẩu").has_value());
  EXPECT_FALSE(imap::quoted("a\r\nb").has_value());
}

TEST(ImapResponses, FetchSizesQuotedAndNilBodies) {
  imap::response sizes{"* 3 FETCH (UID 19 RFC822.SIZE 5120)", {}};
  auto f = imap::parse_fetch(sizes);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->uid, 19u);
  EXPECT_EQ(f->size, 5120u);
  EXPECT_FALSE(f->body.has_value());
  imap::response quoted{"* 4 FETCH (BODY[HEADER] \"a \\\"b\\\"\" UID 20)", {}};
  f = imap::parse_fetch(quoted);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->body, "a \"b\"");
  EXPECT_EQ(f->uid, 20u);
  imap::response nil{"* 5 FETCH (UID 21 BODY[] NIL)", {}};
  f = imap::parse_fetch(nil);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->body, "");
  EXPECT_FALSE(imap::parse_fetch(imap::response{"* 5 EXISTS", {}}).has_value());
}

TEST(MimeMessage, WindowsCharsetAndRfc2047Name) {
  const std::string raw =
      "From: =?windows-1252?Q?Ren=E9e_Martin?= <renee@example.fr>\r\n"
      "Subject: =?ISO-8859-1?Q?Caf=E9?=\r\n"
      "Message-ID: <abc@x>\r\n"
      "Content-Type: text/plain; charset=windows-1252\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n"
      "\r\n"
      "Prix: 10=80 =E0 payer\r\n";
  auto m = parse_mime(raw, 1000);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->from_name, "Renée Martin");
  EXPECT_EQ(m->from_address, "renee@example.fr");
  EXPECT_EQ(m->subject, "Café");
  EXPECT_EQ(m->message_id, "abc@x");
  EXPECT_EQ(m->text.rfind("Prix: 10€ à payer", 0), 0u) << m->text;
}

TEST(MimeMessage, HtmlOnlyTextAndTruncation) {
  const std::string raw =
      "From: a@b.vn\r\n"
      "Content-Type: text/html; charset=UTF-8\r\n"
      "\r\n"
      "<div>Họ tên: Lan</div><div>Phone: 0912&nbsp;345&nbsp;678</div>\r\n";
  auto m = parse_mime(raw, 1000);
  ASSERT_TRUE(m.has_value());
  EXPECT_NE(m->text.find("Họ tên: Lan\n"), std::string::npos) << m->text;
  EXPECT_NE(m->text.find("Phone: 0912 345 678"), std::string::npos) << m->text;
  auto cut = parse_mime(raw, 10);
  ASSERT_TRUE(cut.has_value());
  EXPECT_TRUE(cut->text_truncated);
  EXPECT_LE(cut->text.size(), 10u);
}

TEST(MimeMessage, BrokenStructureIsAnError) {
  const std::string no_boundary =
      "From: a@b.vn\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nbody\r\n";
  auto m = parse_mime(no_boundary, 1000);
  ASSERT_FALSE(m.has_value());
  EXPECT_NE(m.error().message.find("boundary"), std::string::npos) << m.error().message;
  // The same header block is fine when only the headers were fetched (an oversize message).
  EXPECT_TRUE(parse_mime(no_boundary, 1000, true).has_value());
}

config::source_config imap_src(nlohmann::json extra = nlohmann::json::object()) {
  config::source_config s;
  s.id = "mb";
  s.channel = "email";
  s.preset = "imap";
  s.options = {{"host", "imap.example.com"}, {"user", "u"}, {"password", "p"}};
  s.options.update(extra);
  return s;
}

TEST(ImapSource, ExtractorLabelsAndRegex) {
  auto src = imap_src({{"extract", {{"full_name", {"Họ và tên"}}}},
                       {"extract_regex", {{"phone", "SĐT[^0-9+]*([0-9 .+]{9,15})"}}}});
  auto opts = read_imap_options(src, "sources[0]");
  EXPECT_EQ(opts.port, 993);
  const std::string raw =
      "From: Website <noreply@center.vn>\r\nMessage-ID: <f1@center.vn>\r\n"
      "Content-Type: text/plain; charset=UTF-8\r\n\r\n"
      "họ và tên :  Lê Văn Nam \r\nLiên hệ SĐT: 0987.654.321 nhé\r\n";
  imap_message_meta meta{1, 5, 200, false, "2026-11-23T00:00:00.000Z"};
  auto e = imap_message_event(src, opts, raw, meta);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  EXPECT_EQ(e->event_id, "email:msgid:f1@center.vn");
  EXPECT_EQ(e->contact.full_name, "Lê Văn Nam");
  ASSERT_EQ(e->contact.phones.size(), 1u);
  EXPECT_EQ(e->contact.phones[0], "+84987654321");
  EXPECT_TRUE(e->contact.emails.empty()) << "the website's address is not the contact's";
  EXPECT_EQ(e->extra.at("from"), "noreply@center.vn");
  EXPECT_EQ(e->extra.at("imap_uid"), "5");
}

TEST(ImapSource, NoMessageIdHashesStableFieldsAndNoSenderIsAnError) {
  auto src = imap_src();
  auto opts = read_imap_options(src, "sources[0]");
  const std::string raw = "From: x@y.vn\r\nSubject: s\r\nDate: Mon, 23 Nov 2026 09:15:00 +0700\r\n\r\nhi\r\n";
  imap_message_meta a{1, 5, 60, false, "2026-11-23T00:00:00.000Z"};
  imap_message_meta b{2, 9, 60, false, "2026-11-24T00:00:00.000Z"};  // after a UIDVALIDITY change
  auto ea = imap_message_event(src, opts, raw, a);
  auto eb = imap_message_event(src, opts, raw, b);
  ASSERT_TRUE(ea.has_value() && eb.has_value());
  EXPECT_EQ(ea->event_id.rfind("email:imap:sha256:", 0), 0u);
  EXPECT_EQ(ea->event_id, eb->event_id);
  auto none = imap_message_event(src, opts, "Subject: nobody\r\n\r\ntext\r\n", a);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().field, "from");
}

TEST(ImapSource, OptionErrorsNameThePath) {
  auto expect_error = [](nlohmann::json extra, const std::string& what) {
    try {
      read_imap_options(imap_src(std::move(extra)), "sources[2]");
      ADD_FAILURE() << "accepted: " << what;
    } catch (const config::config_error& e) {
      EXPECT_EQ(std::string(e.what()).rfind(what, 0), 0u) << e.what();
    }
  };
  expect_error({{"tls", "none"}}, "sources[2].options.tls: must be imaps or starttls");
  expect_error({{"idle_renew_ms", 1'800'000}}, "sources[2].options.idle_renew_ms:");
  expect_error({{"extract", {{"city", {"Tỉnh"}}}}}, "sources[2].options.extract.city: unknown target");
  expect_error({{"extract_regex", {{"phone", "no group"}}}}, "sources[2].options.extract_regex.phone: needs exactly one");
  expect_error({{"extract_regex", {{"phone", "(unclosed"}}}}, "sources[2].options.extract_regex.phone: not a valid");
  expect_error({{"mailbox", "a\"b"}}, "sources[2].options.mailbox:");
  expect_error({{"hots", "typo"}}, "sources[2].options.hots: unknown option");
  EXPECT_EQ(read_imap_options(imap_src({{"tls", "starttls"}}), "s").port, 143);
}

}  // namespace
}  // namespace lg::adapters::email
