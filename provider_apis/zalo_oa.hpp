// The Zalo OA Open API as leadgate uses it (reference/channels.md §1.4): the access token
// refresh with the rotating refresh token, and the user profile that completes a touch that
// carries only a Zalo user id. Errors arrive as HTTP 200 with `error != 0`; they are failures.
//
// Source options read here (besides the webhook's, adapters/zalo/zalo.hpp):
//   app_secret     secret: the `secret_key` header of the token refresh. Without it (or without
//                  refresh_token) the source's touches are resolved without a profile fetch.
//   refresh_token  secret: the first refresh token; after the first refresh the rotated one
//                  lives in Redis (store/tokens.hpp) and this seed is no longer read
//   oa_base_url    default https://openapi.zalo.me
//   oauth_url      default https://oauth.zaloapp.com/v4/oa/access_token
//   ca_file        optional PEM file trusted besides the system store (private CA, tests)
//   api_timeout_ms default 10000: one API call, connect to last byte
#pragma once

#include "provider_apis/api_error.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace lg::provider_apis::zalo {

struct api_options {
  std::string source;
  std::string app_id;
  std::string app_secret;
  std::string seed_refresh_token;
  std::string oa_base_url = "https://openapi.zalo.me";
  std::string oauth_url = "https://oauth.zaloapp.com/v4/oa/access_token";
  std::string ca_file;
  std::chrono::milliseconds timeout{10000};
};

// nullopt when the source has no API credentials. Throws config::config_error("<path>.x: …").
std::optional<api_options> parse_api_options(const nlohmann::json& options, const std::string& source,
                                             const std::string& path);

struct token_grant {
  std::string access_token;
  std::string refresh_token;
  std::int64_t expires_in_s = 0;
};

// The refresh request's form body: refresh_token, app_id, grant_type=refresh_token.
std::string refresh_form(const api_options& opt, std::string_view refresh_token);
// The refresh reply. A 200 with `error` set, or without both tokens, is an auth failure (the
// refresh token is not accepted: no retry can fix it until an admin reconnects the OA).
std::expected<token_grant, api_error> parse_refresh_reply(unsigned status, std::string_view body);

struct profile {
  std::string display_name;
  std::string shared_name;  // shared_info: what the user agreed to share with the OA
  std::string shared_phone;
  std::string shared_address;
  std::string shared_city;
  std::string shared_district;
};

// GET <oa_base_url>/v3.0/oa/user/detail?data={"user_id":"<uid>"} (the JSON URL-encoded).
std::string profile_url(const api_options& opt, std::string_view user_id);
// The profile reply; -216/-220 (invalid/expired token) are auth failures, -32 (rate limit) and
// HTTP 5xx/429 transient, any other error permanent.
std::expected<profile, api_error> parse_profile_reply(unsigned status, std::string_view body);

}  // namespace lg::provider_apis::zalo
