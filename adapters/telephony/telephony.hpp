// The hotline channel's webhook adapters (POST /v1/hooks/telephony/{source}), one per preset:
//   "stringee" (default) — Stringee event_url JSON, optional X-STRINGEE-SIGNATURE
//   "twilio"             — Twilio voice status callbacks, X-Twilio-Signature
//   "generic"            — a field map and an HMAC-SHA256 header, for other providers
// Only a finished inbound call becomes an event; intermediate statuses are counted as ignored.
#pragma once

#include "adapters/adapter.hpp"
#include "config/config.hpp"

#include <memory>
#include <string>

namespace lg::adapters::telephony {

// Throws config::config_error naming `path` ("sources[2].options.auth_token: required").
std::unique_ptr<inbound_adapter> make_telephony_adapter(const config::source_config& src, const std::string& path);

std::unique_ptr<inbound_adapter> make_stringee_adapter(const config::source_config& src, const std::string& path);
std::unique_ptr<inbound_adapter> make_twilio_voice_adapter(const config::source_config& src, const std::string& path);
std::unique_ptr<inbound_adapter> make_generic_call_adapter(const config::source_config& src, const std::string& path);

}  // namespace lg::adapters::telephony
