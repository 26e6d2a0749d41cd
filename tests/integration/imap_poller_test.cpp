// The IMAP pollers against a real Dovecot (tests/support/dovecot.hpp) and the test Redis:
// plain, multipart (quoted-printable ISO-8859-1, HTML, attachment), a base64 Vietnamese subject,
// a form-notification email read by the source's extractor, a broken MIME message (quarantine)
// and an oversize one (a touch without its body) are each captured exactly once, across a
// poller restart and a UIDVALIDITY change; IDLE picks a new message up within seconds;
// messages are never marked \Seen; a refused login is retried without stopping anything.
#include "pollers/imap_poller.hpp"
#include "hooks_harness.hpp"
#include "identity_harness.hpp"
#include "support/dovecot.hpp"

#include "store/keys.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

namespace lg::test {
namespace {

using namespace std::chrono_literals;
using hooks::inbound_events;
using hooks::quarantine_entries;

// Waits (bounded) until `done` holds; polls every 25 ms.
template <class F>
bool eventually(F done, std::chrono::milliseconds limit = 15s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(25ms);
  }
  return done();
}

const std::string plain_mail =
    "From: =?UTF-8?Q?Tr=E1=BA=A7n_V=C4=83n_Minh?= <Minh.Tran@Example.com>\r\n"
    "To: tuyensinh@center.edu.vn\r\n"
    "Subject: Hoi lich khai giang\r\n"
    "Date: Mon, 23 Nov 2026 09:15:00 +0700\r\n"
    "Message-ID: <plain-1@mail.example.com>\r\n"
    "\r\n"
    "Cho em hoi lich khai giang lop IELTS thang 12.\r\n";

const std::string multipart_mail =
    "From: Marie Dupont <marie@example.fr>\r\n"
    "Subject: Inscription\r\n"
    "Message-ID: <multi-1@mail.example.fr>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain; charset=ISO-8859-1\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Je voudrais un caf=E9 et un cours d'anglais pour ma fille.\r\n"
    "--inner\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "\r\n"
    "<p>HTML version</p>\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: application/pdf; name=\"cv.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"cv.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "--outer--\r\n";

// Subject "Đăng ký học thử IELTS" and body "Tôi muốn đăng ký học thử." in base64 UTF-8.
const std::string vietnamese_mail =
    "From: lan.nguyen@example.com\r\n"
    "Subject: =?UTF-8?B?xJDEg25nIGvDvSBo4buNYyB0aOG7rSBJRUxUUw==?=\r\n"
    "Message-ID: <viet-1@mail.example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "VMO0aSBtdeG7kW4gxJHEg25nIGvDvSBo4buNYyB0aOG7rS4=\r\n";

const std::string form_mail =
    "From: WordPress <wordpress@center.edu.vn>\r\n"
    "Subject: [Website] Dang ky tu van\r\n"
    "Message-ID: <form-1@center.edu.vn>\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Họ tên: Nguyễn Thị Lan\r\n"
    "Số điện thoại: 0912 345 678\r\n"
    "Email: Lan.Nguyen@Gmail.com\r\n"
    "Khóa học: IELTS\r\n";

const std::string broken_mail =
    "From: Broken <broken@example.com>\r\n"
    "Subject: broken\r\n"
    "Message-ID: <broken-1@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed\r\n"
    "\r\n"
    "--nothing\r\n"
    "garbage without a boundary parameter\r\n";

std::string oversize_mail() {
  std::string m =
      "From: Big Sender <big@example.com>\r\n"
      "Subject: scans\r\n"
      "Message-ID: <big-1@example.com>\r\n"
      "\r\n";
  for (int i = 0; i < 100; ++i) m += "0123456789012345678901234567890123456789012345678901234567890123456789\r\n";
  return m;
}

const std::string later_mail =
    "From: Pham Hoa <hoa@example.com>\r\n"
    "Subject: later\r\n"
    "Message-ID: <later-1@example.com>\r\n"
    "\r\n"
    "Sent after the restart.\r\n";

class ImapPollerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LG_REQUIRE_REDIS_URL(url);
    url_ = url;
    dovecot_ = std::make_unique<dovecot_server>(free_port(), free_port());
    cfg_.tenant = fresh_tenant("imap");
    redis_ = *store::redis_options::from_url(url_);
  }

  void add_source(const std::string& tls, std::uint16_t port, const std::string& password = dovecot_server::password,
                  const nlohmann::json& extra = nlohmann::json::object()) {
    config::source_config src;
    src.id = "mailbox";
    src.channel = "email";
    src.preset = "imap";
    src.options = {{"host", "127.0.0.1"},
                   {"port", port},
                   {"tls", tls},
                   {"ca_file", dovecot_->ca_file()},
                   {"user", dovecot_server::user},
                   {"password", password},
                   {"poll_interval_ms", 60'000},  // only IDLE can see new mail within a test
                   {"backoff_min_ms", 50},
                   {"backoff_max_ms", 200},
                   {"command_timeout_ms", 5'000},
                   {"max_message_bytes", 2048},
                   {"batch", 3},  // several fetch rounds even for a few messages
                   {"extract",
                    {{"full_name", {"Họ tên", "Name"}}, {"phone", {"Số điện thoại", "Phone"}}, {"email", {"Email"}}}}};
    src.options.update(extra);
    cfg_.sources = {src};
  }

  std::vector<nlohmann::json> events() const { return inbound_events(url_, cfg_.tenant); }

  std::map<std::string, nlohmann::json> by_message_id() const {
    std::map<std::string, nlohmann::json> out;
    for (auto& e : events()) out[e.value("event_id", "")] = e;
    return out;
  }

  std::string url_;
  std::unique_ptr<dovecot_server> dovecot_;
  config::config cfg_;
  store::redis_options redis_;
};

TEST_F(ImapPollerTest, CapturesEachMessageOnceAcrossRestartAndUidvalidityChange) {
  add_source("imaps", dovecot_->imaps_port());
  for (const auto& m : {plain_mail, multipart_mail, vietnamese_mail, form_mail, broken_mail, oversize_mail()})
    dovecot_->deliver(m);

  auto pollers = std::make_unique<pollers::imap_pollers>(cfg_, redis_);
  ASSERT_EQ(pollers->size(), 1u);
  pollers->start();
  ASSERT_TRUE(eventually([&] { return events().size() >= 5 && quarantine_entries(url_, cfg_.tenant).size() >= 1; }))
      << "events: " << events().size() << "\n" << dovecot_->log();

  auto got = by_message_id();
  ASSERT_EQ(got.size(), 5u);
  auto plain = got.at("email:msgid:plain-1@mail.example.com");
  EXPECT_EQ(plain["channel"], "email");
  EXPECT_EQ(plain["source"], "mailbox");
  EXPECT_EQ(plain["contact"]["emails"][0], "minh.tran@example.com");
  EXPECT_EQ(plain["contact"]["full_name"], "Trần Văn Minh");
  EXPECT_EQ(plain["extra"]["subject"], "Hoi lich khai giang");
  EXPECT_NE(plain["message"].get<std::string>().find("IELTS thang 12"), std::string::npos);
  EXPECT_EQ(plain["occurred_at"], "2026-11-23T02:15:00.000Z");

  auto multi = got.at("email:msgid:multi-1@mail.example.fr");
  EXPECT_NE(multi["message"].get<std::string>().find("un café et un cours"), std::string::npos) << multi.dump();
  EXPECT_EQ(multi["message"].get<std::string>().find("HTML version"), std::string::npos);

  auto viet = got.at("email:msgid:viet-1@mail.example.com");
  EXPECT_EQ(viet["extra"]["subject"], "Đăng ký học thử IELTS");
  EXPECT_EQ(viet["message"], "Tôi muốn đăng ký học thử.");
  EXPECT_EQ(viet["contact"]["emails"][0], "lan.nguyen@example.com");

  auto form = got.at("email:msgid:form-1@center.edu.vn");
  EXPECT_EQ(form["contact"]["full_name"], "Nguyễn Thị Lan");
  EXPECT_EQ(form["contact"]["family_name"], "Nguyễn");
  EXPECT_EQ(form["contact"]["phones"][0], "+84912345678");
  EXPECT_EQ(form["contact"]["emails"][0], "lan.nguyen@gmail.com");
  EXPECT_EQ(form["contact"]["emails"].size(), 1u) << "the website's sender is not the contact";
  EXPECT_EQ(form["extra"]["from"], "wordpress@center.edu.vn");

  auto big = got.at("email:msgid:big-1@example.com");
  EXPECT_EQ(big["extra"]["body_omitted"], "true");
  EXPECT_FALSE(big.contains("message")) << "an empty message is left out of the event";
  EXPECT_EQ(big["contact"]["emails"][0], "big@example.com");
  EXPECT_GT(std::stoul(big["extra"]["size"].get<std::string>()), 2048u);

  auto q = quarantine_entries(url_, cfg_.tenant);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].fields["channel"], "email");
  EXPECT_NE(q[0].fields["reason"].find("multipart without a boundary"), std::string::npos) << q[0].fields["reason"];
  EXPECT_NE(q[0].fields["body"].find("broken-1@example.com"), std::string::npos);

  // Restart: a message delivered while the poller was down is taken, nothing else again.
  pollers->stop();
  pollers.reset();
  dovecot_->deliver(later_mail);
  pollers = std::make_unique<pollers::imap_pollers>(cfg_, redis_);
  pollers->start();
  ASSERT_TRUE(eventually([&] { return events().size() >= 6; }));
  ASSERT_TRUE(eventually([&] { return pollers->counters().idles.load() >= 1; }));
  EXPECT_EQ(events().size(), 6u);
  EXPECT_EQ(pollers->counters().accepted.load(), 1u);
  pollers->stop();
  pollers.reset();

  // UIDVALIDITY change: the mailbox is rescanned from UID 1 and every message is a duplicate.
  dovecot_->reset_uids();
  pollers = std::make_unique<pollers::imap_pollers>(cfg_, redis_);
  pollers->start();
  ASSERT_TRUE(eventually([&] { return pollers->counters().duplicates.load() >= 7; }))
      << "duplicates: " << pollers->counters().duplicates.load() << " accepted " << pollers->counters().accepted.load();
  EXPECT_EQ(pollers->counters().accepted.load(), 0u);
  EXPECT_EQ(pollers->counters().quarantined.load(), 0u);
  pollers->stop();
  EXPECT_EQ(events().size(), 6u);
  EXPECT_EQ(quarantine_entries(url_, cfg_.tenant).size(), 1u);

  // BODY.PEEK: nothing was marked \Seen (Maildir keeps flags in the file name after ":2,").
  for (const auto& f : std::filesystem::directory_iterator(dovecot_->maildir() / "cur")) {
    const auto name = f.path().filename().string();
    const auto flags = name.find(":2,");
    ASSERT_NE(flags, std::string::npos) << name;
    EXPECT_EQ(name.find('S', flags), std::string::npos) << name;
  }
}

TEST_F(ImapPollerTest, IdleOverStarttlsPicksUpANewMessageWithinSecondsAndIsRenewed) {
  // A short renewal so the test sees DONE + IDLE again (in production: 25 minutes, at most 29).
  add_source("starttls", dovecot_->imap_port(), dovecot_server::password, {{"idle_renew_ms", 300}});
  pollers::imap_pollers pollers(cfg_, redis_);
  pollers.start();
  ASSERT_TRUE(eventually([&] { return pollers.counters().idles.load() >= 1; })) << dovecot_->log();
  std::this_thread::sleep_for(100ms);  // let the IDLE reach the server before the delivery
  const auto sent = std::chrono::steady_clock::now();
  dovecot_->deliver(later_mail);
  ASSERT_TRUE(eventually([&] { return events().size() == 1; }, 10s));
  const auto took = std::chrono::steady_clock::now() - sent;
  EXPECT_LT(took, 5s) << "IDLE should report the new message at once; polling is set to 60 s";
  EXPECT_EQ(events()[0]["event_id"], "email:msgid:later-1@example.com");
  // Renewals end each IDLE with DONE from the timer and start a new one on the same session.
  const auto idles = pollers.counters().idles.load();
  ASSERT_TRUE(eventually([&] { return pollers.counters().idles.load() >= idles + 3; }, 5s));
  EXPECT_EQ(pollers.counters().sessions.load(), 1u);
  EXPECT_EQ(pollers.counters().failures.load(), 0u);
  dovecot_->deliver(plain_mail);
  ASSERT_TRUE(eventually([&] { return events().size() == 2; }, 5s));
  pollers.stop();
}

// A stored position that is not a number (a hand edit, a bad restore) must not kill the mailbox:
// it is reported, counted, reset to a rescan, and the Message-ID dedupe keeps each message once.
TEST_F(ImapPollerTest, ACorruptPositionInRedisIsResetToARescanAndTheMailboxGoesOn) {
  add_source("imaps", dovecot_->imaps_port());
  dovecot_->deliver(plain_mail);
  dovecot_->deliver(form_mail);
  {
    pollers::imap_pollers first(cfg_, redis_);
    first.start();
    ASSERT_TRUE(eventually([&] { return events().size() == 2; })) << dovecot_->log();
    first.stop();
  }
  const auto key = store::keys::imap_state(cfg_.tenant, "mailbox");
  blocking_redis r;
  r.exec({"HSET", key, "uidvalidity", "not-a-number", "last_uid", "7x"});

  std::vector<std::string> resets;
  pollers::poll_observer observer;
  std::mutex mu;
  observer.position_reset = [&](std::string_view src) {
    std::lock_guard lock(mu);
    resets.emplace_back(src);
  };
  pollers::imap_pollers again(cfg_, redis_, observer);
  again.start();
  ASSERT_TRUE(eventually([&] { return again.counters().duplicates.load() >= 2; }))
      << "duplicates " << again.counters().duplicates.load() << "\n" << dovecot_->log();
  dovecot_->deliver(later_mail);  // still polling: a new message comes in as usual
  ASSERT_TRUE(eventually([&] { return events().size() == 3; }, 10s));
  again.stop();
  EXPECT_EQ(again.counters().position_resets.load(), 1u);
  EXPECT_EQ(again.counters().accepted.load(), 1u);
  {
    std::lock_guard lock(mu);
    EXPECT_EQ(resets, std::vector<std::string>{"mailbox"});
  }
  // The position is a number again.
  const auto validity = r.exec({"HGET", key, "uidvalidity"}).str;
  EXPECT_TRUE(std::all_of(validity.begin(), validity.end(), [](char c) { return c >= '0' && c <= '9'; })) << validity;
}

TEST_F(ImapPollerTest, RefusedLoginIsRetriedWithBackoffAndRecordsNothing) {
  add_source("imaps", dovecot_->imaps_port(), "not-the-password");
  dovecot_->deliver(plain_mail);
  pollers::imap_pollers pollers(cfg_, redis_);
  pollers.start();
  ASSERT_TRUE(eventually([&] { return pollers.counters().failures.load() >= 2; })) << dovecot_->log();
  EXPECT_EQ(pollers.counters().sessions.load(), 0u);
  pollers.stop();
  EXPECT_TRUE(events().empty());
}

TEST(ImapPollerConfig, BadOptionsNameTheirPath) {
  config::config cfg;
  config::source_config src;
  src.id = "mailbox";
  src.channel = "email";
  src.preset = "imap";
  src.options = {{"host", "imap.example.com"}, {"user", "u"}, {"password", "p"}, {"tls", "none"}};
  cfg.sources = {src};
  try {
    pollers::imap_pollers p(cfg, store::redis_options{});
    FAIL() << "plain-text IMAP accepted";
  } catch (const config::config_error& e) {
    EXPECT_STREQ(e.what(), "sources[0].options.tls: must be imaps or starttls");
  }
  cfg.sources[0].options = {{"host", "imap.example.com"}, {"user", "u"}, {"password", {{"env", "LG_UNSET_IMAP_PW"}}}};
  EXPECT_THROW(pollers::imap_pollers(cfg, store::redis_options{}), config::config_error);
  cfg.sources[0].options = {{"host", "imap.example.com"}, {"user", "u"}, {"password", "p"}, {"idle_renew_ms", 30 * 60 * 1000}};
  EXPECT_THROW(pollers::imap_pollers(cfg, store::redis_options{}), config::config_error);
}

}  // namespace
}  // namespace lg::test
