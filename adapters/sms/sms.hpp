// The SMS channel's webhook adapters (POST /v1/hooks/sms/{source}), one per preset:
//   "twilio" (default) — Twilio messaging webhooks (MessageSid, From, To, Body), X-Twilio-Signature
//   "generic"          — a field map (message_id, from, to, body) and an HMAC-SHA256 header
// One inbound message -> one event "sms:msg:<id>": a touch on the sender's phone, the text as
// the message; phones/emails inside the text are recorded, never used as identity.
#pragma once

#include "adapters/adapter.hpp"
#include "config/config.hpp"

#include <memory>
#include <string>

namespace lg::adapters::sms {

struct message_facts {
  std::string provider;    // "twilio", "generic"
  std::string message_id;  // already checked with hook::valid_id
  std::string from;        // sender, raw
  std::string to;          // our number, raw
  std::string body;        // raw text (cleaned and bounded here)
};

core::lead_event sms_event(const config::source_config& src, const inbound_request& req, const message_facts& f,
                           std::size_t max_text);

// options.max_text_bytes (16 B to 1 MiB, 8 KiB when absent); `options_path` is "<source>.options".
std::size_t max_text_option(const config::source_config& src, const std::string& options_path);

std::unique_ptr<inbound_adapter> make_sms_adapter(const config::source_config& src, const std::string& path);
std::unique_ptr<inbound_adapter> make_twilio_sms_adapter(const config::source_config& src, const std::string& path);
std::unique_ptr<inbound_adapter> make_generic_sms_adapter(const config::source_config& src, const std::string& path);

}  // namespace lg::adapters::sms
