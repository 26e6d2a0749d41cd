// The Standard Webhooks scheme (reference/channels.md §6) for the `webhook` destination type:
// `whsec_` secrets, the v1 HMAC-SHA256 signature over "id.timestamp.body", several secrets at
// once for rotation, verification with a timestamp tolerance, and the {type, timestamp, data}
// payload. Pure functions over values; no I/O.
#pragma once

#include "core/error.hpp"

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <span>
#include <string>
#include <string_view>

namespace lg::webhooks {

inline constexpr std::string_view header_webhook_id = "webhook-id";
inline constexpr std::string_view header_webhook_timestamp = "webhook-timestamp";
inline constexpr std::string_view header_webhook_signature = "webhook-signature";

// A decoded signing key (raw bytes). Build it once per destination with decode_secret.
struct signing_key {
  std::string bytes;
};

// "whsec_<base64>" (the prefix is optional, as in the reference libraries) → key bytes.
// The spec asks for 24–64 bytes of key; anything else, or bad base64, is invalid_field.
std::expected<signing_key, core::error> decode_secret(std::string_view secret);

// "v1,<base64 HMAC-SHA256(key, msg_id + "." + timestamp + "." + body)>".
std::string sign(const signing_key& key, std::string_view msg_id, std::int64_t timestamp,
                 std::string_view body);

// The webhook-signature value for several keys (rotation): the signatures separated by spaces.
std::string signature_header(std::span<const signing_key> keys, std::string_view msg_id,
                             std::int64_t timestamp, std::string_view body);

// The three headers for one attempt. The id stays the same across retries; the timestamp is
// the attempt's own.
struct webhook_headers {
  std::string id;
  std::string timestamp;
  std::string signature;
};
webhook_headers make_headers(std::span<const signing_key> keys, std::string_view msg_id,
                             std::chrono::system_clock::time_point now, std::string_view body);

// Verifies a delivery: the timestamp header must be unix seconds within `tolerance` of `now`
// (either side), and at least one "v1,…" entry of the signature header must equal the
// signature under at least one key (constant-time compare). Entries of other versions
// (v1a, …) are ignored. Errors: missing_field (an empty header), invalid_field (a malformed
// timestamp), unauthorized (too old/new, or no signature matches).
std::expected<void, core::error> verify(std::span<const signing_key> keys,
                                        std::string_view msg_id, std::string_view timestamp,
                                        std::string_view signature_header_value,
                                        std::string_view body,
                                        std::chrono::system_clock::time_point now,
                                        std::chrono::seconds tolerance = std::chrono::minutes(5));

// {"type": type, "timestamp": "2022-11-03T20:26:10.344Z" (UTC, milliseconds), "data": data}.
std::string build_payload(std::string_view type, std::chrono::system_clock::time_point timestamp,
                          const nlohmann::json& data);

// Standard base64 with padding (exposed for tests and connectors that need the same alphabet).
std::string base64_encode(std::string_view bytes);
// Strict: the standard alphabet, padding required; nullopt-like error on anything else.
std::expected<std::string, core::error> base64_decode(std::string_view text);

}  // namespace lg::webhooks
