// An email source polled over IMAP (channel "email", preset "imap"): its options, read once at
// startup from the source's "options", and the turning of one fetched message into a lead event.
// The poller itself (connection, UID bookkeeping in Redis, accept) lives in pollers/imap_poller.
//
// Options (all but host/user/password have defaults):
//   "host", "port" (993 for imaps, 143 for starttls), "tls": "imaps" | "starttls",
//   "ca_file" (PEM, added to the system CAs), "user", "password" (secrets: {"env":"NAME"}),
//   "mailbox" ("INBOX"), "idle" (true: IDLE when the server offers it), "idle_renew_ms" (at most
//   29 minutes), "poll_interval_ms", "connect_timeout_ms", "command_timeout_ms",
//   "max_message_bytes" (bigger messages become a touch without their body), "max_body" (text
//   kept), "batch" (messages per fetch round), "mark_seen" (false: BODY.PEEK, never \Seen),
//   "dedupe_days" (how long a Message-ID is remembered), "backoff_min_ms", "backoff_max_ms",
//   "extract": {"full_name"|"phone"|"email": ["Label", …]} — "Label: value" lines of a form
//   notification, and "extract_regex": {"full_name"|"phone"|"email": "regex with one group"}.
#pragma once

#include "adapters/email/mime_message.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/lead_event.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace lg::adapters::email {

enum class imap_tls { imaps, starttls };

// Pulls contact fields out of a form-notification text ("Họ tên: Nguyễn Lan").
struct form_extractor {
  std::map<std::string, std::vector<std::string>> labels;  // target -> labels, matched case-insensitively
  std::vector<std::pair<std::string, std::shared_ptr<const std::regex>>> patterns;  // target -> regex

  bool empty() const noexcept { return labels.empty() && patterns.empty(); }
  // target ("full_name", "phone", "email") -> first value found. Lines are looked at up to
  // 2,000 of them; a value is cut to 256 bytes.
  std::map<std::string, std::string> extract(std::string_view text) const;
};

struct imap_source_options {
  std::string host;
  std::uint16_t port = 993;
  imap_tls tls = imap_tls::imaps;
  std::string ca_file;
  std::string user;
  std::string password;
  std::string mailbox = "INBOX";
  bool idle = true;
  std::chrono::milliseconds idle_renew{std::chrono::minutes(25)};
  std::chrono::milliseconds poll_interval{std::chrono::seconds(60)};
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds command_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds backoff_min{std::chrono::seconds(1)};
  std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
  std::size_t max_message_bytes = 10 * 1024 * 1024;
  std::size_t max_body = 16 * 1024;
  std::size_t batch = 50;
  bool mark_seen = false;
  std::chrono::hours dedupe_window{24 * 30};
  form_extractor extractor;
};

// Throws config::config_error naming `path` (e.g. "sources[4].options.password: environment
// variable IMAP_PASSWORD is not set").
imap_source_options read_imap_options(const config::source_config& src, const std::string& path);

// What the poller knows of a message besides its bytes.
struct imap_message_meta {
  std::uint64_t uidvalidity = 0;
  std::uint32_t uid = 0;
  std::uint64_t size = 0;        // RFC822.SIZE
  bool body_omitted = false;     // over max_message_bytes: `raw` holds the header block only
  std::string received_at;       // RFC 3339, when the poller fetched it
};

// The lead event of one message. The sender becomes the contact unless the source's extractor
// finds a name/phone/email in the text (a website's notification mail: the sender is the
// website); then those are the contact and the sender is kept in extra.from. The event_id is
// "email:msgid:<Message-ID>" (the key the email webhooks use too), or, without a Message-ID,
// a hash of From, Date and Subject, so a rescan after a UIDVALIDITY change finds it again.
// Errors: bad_request for a broken message or one without any sender or extracted contact.
std::expected<core::lead_event, core::error> imap_message_event(const config::source_config& src,
                                                                const imap_source_options& opts,
                                                                std::string_view raw,
                                                                const imap_message_meta& meta);

}  // namespace lg::adapters::email
