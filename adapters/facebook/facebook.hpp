// Facebook Messenger and Lead Ads webhooks (reference/channels.md §2):
// GET /v1/hooks/facebook/{source}  the hub.challenge subscription handshake;
// POST /v1/hooks/facebook/{source} X-Hub-Signature-256 check, then every entry[] and every
// messaging[] / changes[] item of the (possibly batched) delivery becomes an event or is counted.
//
// Source options (config "options" of a source with channel "facebook"):
//   app_secret    required  secret ({"env":…}): HMAC key of X-Hub-Signature-256
//   verify_token  required  secret: what we told Meta to send in hub.verify_token
//   page_ids      optional  Page ids this source accepts; entries of other pages are
//                           quarantined (a page wired to the wrong source)
//   page_token    optional  secret, read by the Lead Ads fetcher (not on the request path)
#pragma once

#include "adapters/adapter.hpp"

#include <nlohmann/json.hpp>

#include <expected>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace lg::adapters::facebook {

struct options {
  std::string app_secret;
  std::string verify_token;
  std::set<std::string> page_ids;  // empty: any page
};

options parse_options(const nlohmann::json& j, const std::string& path);

struct parse_context {
  std::string source;
  std::string received_at;
  std::set<std::string> page_ids;  // empty: any page
};

// Bounds on one delivery: Meta batches, but a body with more items than this is not a batch.
inline constexpr std::size_t max_items = 1000;
inline constexpr std::size_t max_reasons = 8;  // quarantine_reason names at most this many parts

// GET handshake. `query` is the raw query string. Ok: a 200 text/plain reply with the challenge.
// Errors: forbidden (wrong token), bad_request (not a subscribe request, bad challenge).
std::expected<direct_reply, core::error> handshake(const options& opt, std::string_view query);

// X-Hub-Signature-256 on the raw body. Errors: unauthorized.
std::expected<void, core::error> verify(const options& opt, std::string_view raw_body,
                                        std::optional<std::string_view> header);

// Parses an authentic body; never throws. Good items become events even when others are bad;
// quarantine_reason then names the bad parts ("entry[0].messaging[2]: …").
adapter_output parse(std::string_view raw_body, const parse_context& ctx);

class adapter final : public inbound_adapter {
 public:
  adapter(std::string source_id, options opt);
  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override;

 private:
  std::string source_id_;
  options opt_;
};

}  // namespace lg::adapters::facebook
