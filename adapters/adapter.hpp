// The inbound adapter interface: every webhook channel (Zalo, Facebook, telephony, SMS, email
// webhooks) turns one HTTP delivery into lead events. An adapter verifies the signature on the
// raw bytes in constant time BEFORE parsing, then parses. It never talks to Redis and knows
// nothing of routing; the gateway does the durable accept of what it returns.
#pragma once

#include "adapters/inbound_request.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/lead_event.hpp"

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lg::adapters {

// A reply the adapter wants sent instead of the default acknowledgement (e.g. Facebook's
// hub.challenge handshake, or a provider that expects a particular body).
struct direct_reply {
  unsigned status = 200;
  std::string content_type = "text/plain";
  std::string body;
};

struct adapter_output {
  // Each event's event_id is its idempotency key: "<channel>:<kind>:<provider id>".
  std::vector<core::lead_event> events;
  std::optional<direct_reply> reply;
  // Set when the delivery was authentic (signature ok) but could not be parsed: the gateway
  // keeps the raw body in the quarantine stream and still answers 2xx, so the provider stops
  // retrying a payload that will never parse. Events may be empty or partial.
  std::optional<std::string> quarantine_reason;
  // Deliveries that are authentic and understood but carry nothing to record (a Zalo
  // "user_seen_message", a Messenger echo): counted, not quarantined.
  std::size_t ignored = 0;
};

class inbound_adapter {
 public:
  virtual ~inbound_adapter() = default;
  // Errors: unauthorized (missing/forged signature or token; never parsed), bad_request for a
  // delivery that is not authentic-and-parseable in a way a provider could fix, method_not_allowed.
  virtual std::expected<adapter_output, core::error> handle(const inbound_request& req) const = 0;
};

// Builds the adapter for a source of the given channel ("zalo", "facebook", "telephony", "sms",
// "email"). Reads src.options and resolves its secrets; throws config::config_error naming
// `path` (e.g. "sources[3].options.app_secret: environment variable FB_APP_SECRET is not set").
// Returns nullptr for channels that are not webhook adapters (web_form, landing_page).
std::unique_ptr<inbound_adapter> make_adapter(const config::source_config& src, const std::string& path);

// What `serve` checks of a source at start, without building anything that does I/O: its
// adapter's options (make_adapter) and, for a polled mailbox, its IMAP options. Throws
// config::config_error naming the path.
void check_source(const config::source_config& src, const std::string& path);

}  // namespace lg::adapters
