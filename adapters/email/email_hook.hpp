// The email channel's webhook adapters (POST /v1/hooks/email/{source}), one per preset:
//   "mailgun" (default) — Mailgun Routes forward(): form or multipart, signed timestamp+token
//   "sendgrid"          — SendGrid Inbound Parse: multipart, a secret URL token or basic auth
// The sender becomes the contact (display name + address); the text becomes the message,
// bounded by options.max_body. The idempotency key is the Message-ID when the provider passes
// the headers ("email:msgid:<id>", the same key the IMAP poller uses, so a message seen both
// ways is one event), else the provider's own id.
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/telephony/hook_adapter.hpp"
#include "config/config.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace lg::adapters::email {

// Unix seconds; injectable so signature-age tests do not depend on the real clock.
using clock_fn = std::function<std::int64_t()>;
std::int64_t system_now();

inline constexpr std::size_t default_max_body = 16 * 1024;

struct mailbox {
  std::string name;     // display name, unquoted; may be empty
  std::string address;  // as written, not yet normalized
};
// "Nguyễn Lan <lan@example.com>", "\"Lan, N.\" <lan@x.vn>", "lan@x.vn" -> name + address.
mailbox parse_mailbox(std::string_view header_value);

// "<abc@mail.example>" -> "email:msgid:abc@mail.example"; ids that are too long or not
// printable ASCII are hashed so the key stays bounded. nullopt for an empty id.
std::optional<std::string> message_id_event_id(std::string_view message_id);

// Message-Id out of Mailgun's message-headers ([["Name","value"],...] as a JSON string).
std::optional<std::string> message_id_from_json_headers(std::string_view json_text);
// Message-ID out of a raw header block ("Name: value\r\n..." with folded lines), as SendGrid sends.
std::optional<std::string> message_id_from_header_block(std::string_view block);

struct email_facts {
  std::string provider;   // "mailgun", "sendgrid"
  std::string event_id;   // already bounded
  std::string from;       // From header value
  std::string sender;     // envelope sender, used when From has no address
  std::string recipient;  // our mailbox (first), raw
  std::string subject;
  std::string text;
  std::optional<std::string> occurred_at;
};

core::lead_event email_event(const config::source_config& src, const inbound_request& req, const email_facts& f,
                             std::size_t max_body);

// email_event, or a quarantine "<provider>: <no_sender>" when the message has neither a From
// nor an envelope sender to make a contact of.
hook::reading email_reading(const config::source_config& src, const inbound_request& req, const email_facts& f,
                            std::size_t max_body, std::string_view no_sender);

// options.max_body (0 B to 1 MiB, default_max_body when absent); `options_path` is "<source>.options".
std::size_t max_body_option(const config::source_config& src, const std::string& options_path);

std::unique_ptr<inbound_adapter> make_email_adapter(const config::source_config& src, const std::string& path,
                                                    clock_fn now = system_now);
std::unique_ptr<inbound_adapter> make_mailgun_adapter(const config::source_config& src, const std::string& path,
                                                      clock_fn now = system_now);
std::unique_ptr<inbound_adapter> make_sendgrid_adapter(const config::source_config& src, const std::string& path);

}  // namespace lg::adapters::email
