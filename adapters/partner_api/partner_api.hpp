// The partner API, POST /v1/leads: third-party systems post the canonical lead JSON of
// DESIGN.md, one lead or {"leads":[…]} (up to max_batch). Each item is validated and normalized
// on its own and answered with its own status, so a partner learns exactly which lead to fix.
//
// The gateway calls this directly rather than through inbound_adapter: there is no {source}
// in the URL (the API key names the partner's source), and the answer is per item, not one
// acknowledgement. Idempotency-Key is honoured by the gateway around the whole request.
//
// Source options (config "options" of a source with channel "api"):
//   api_key_sha256  required  array of lower-case hex SHA-256 digests of the partner's keys
//                             (several, so a key can be rotated without downtime)
//
// Item shape (all optional except that a lead needs a phone or an email):
//   {"external_id":"crm-42", "occurred_at":"2026-11-22T03:00:00Z",
//    "contact":{"full_name":…, "phone":… | "phones":[…], "email":… | "emails":[…],
//               "city":…, "address":…},
//    "interest":{"program":"IELTS",…}, "campaign":{"utm_source":…,…,"page_url":…,"referrer":…},
//    "message":…, "consent":{"marketing":true}, "extra":{"k":"v"}}
#pragma once

#include "adapters/inbound_request.hpp"
#include "core/error.hpp"
#include "core/lead_event.hpp"

#include <nlohmann/json.hpp>

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::adapters::partner_api {

inline constexpr std::size_t max_batch = 500;

struct options {
  std::vector<std::string> key_hashes;  // lower-case hex SHA-256
};

// Throws config::config_error naming the path.
options parse_options(const nlohmann::json& j, const std::string& path);

// The key a request presents: "Authorization: Bearer <key>" or "X-Api-Key: <key>".
std::optional<std::string> presented_key(const inbound_request& req);

// Constant-time check of a presented key against a source's hashes.
bool key_matches(const options& opt, std::string_view key);

struct parse_context {
  std::string source;       // the source whose key matched
  std::string received_at;  // RFC 3339 UTC with ms
  std::string client_ip;
  std::string user_agent;
};

// One item's outcome. Exactly one of event / error is set.
struct item_result {
  std::optional<core::lead_event> event;
  std::optional<core::error> error;  // field is the JSON path in the request ("leads[3].contact.phones[0]")
};

struct parse_result {
  bool batch = false;  // {"leads":[…]} rather than a single object
  std::vector<item_result> items;
};

// Errors for the request as a whole (400): not JSON, not an object, an empty or oversized batch.
std::expected<parse_result, core::error> parse(std::string_view raw_body, const parse_context& ctx);

// The answer for one item after the gateway's accept:
// {"index":3,"status":"accepted","event_id":…,"lead_id":…} or
// {"index":3,"status":"error","error":{"code":…,"message":…,"field":…}}.
nlohmann::json item_status(std::size_t index, const item_result& r, std::string_view lead_id = {});

}  // namespace lg::adapters::partner_api
