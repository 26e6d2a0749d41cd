// The Graph API as leadgate uses it (reference/channels.md §2.2): reading one Lead Ads lead
// (GET /{leadgen_id}), listing a form's leads since a time (GET /{form_id}/leads with a
// time_created filter, paginated), and the name of a Messenger sender (the User Profile API,
// GET /{PSID}?fields=first_name,last_name,name), with the Page token of the source. field_data
// is mapped to the lead event by the source's field_map, then Lead Ads' usual names, through
// the same field mapper as web forms.
//
// Source options read here (besides the webhook's, adapters/facebook/facebook.hpp):
//   page_token      secret: the Page access token. Without it, leadgen events are resolved
//                   without their field data (only the lead id is known), Messenger touches
//                   without the sender's name.
//   graph_base_url  default https://graph.facebook.com/v19.0
//   field_map       {target: [field_data names]} as for forms ("phone": ["so_dien_thoai"])
//   lead_forms      form ids the poller reads on a schedule (empty: no polling)
//   poll_interval_s default 300 (30..86400); poll_lookback_s default 86400: how far back the
//                   first poll of a form reads
//   ca_file, api_timeout_ms as for Zalo
#pragma once

#include "provider_apis/api_error.hpp"
#include "config/config.hpp"
#include "core/lead_event.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::provider_apis::graph {

struct api_options {
  std::string source;
  std::string page_token;
  std::string base_url = "https://graph.facebook.com/v19.0";
  std::string ca_file;
  std::chrono::milliseconds timeout{10000};
  config::source_config mapping;  // field_map for the field mapper (other members unused)
  std::vector<std::string> lead_forms;
  std::chrono::seconds poll_interval{300};
  std::chrono::seconds poll_lookback{86400};
};

// nullopt when the source has no page_token. Throws config::config_error("<path>.x: …").
std::optional<api_options> parse_api_options(const nlohmann::json& options, const std::string& source,
                                             const std::string& path);

// The fields asked of a lead.
inline constexpr std::string_view lead_fields =
    "id,created_time,field_data,form_id,ad_id,ad_name,adset_id,campaign_id,campaign_name,is_organic,platform";
inline constexpr std::size_t leads_page_size = 100;

std::string lead_url(const api_options& opt, std::string_view leadgen_id);
// time_created GREATER_THAN `after_unix`.
std::string leads_url(const api_options& opt, std::string_view form_id, std::int64_t after_unix);

// A 2xx JSON object, or the Graph error: code 190/102 (token) auth; 1, 2, 4, 17, 32, 613, 80001…
// (throttling, temporary), HTTP 5xx/429 transient; anything else permanent.
std::expected<nlohmann::json, api_error> parse_reply(unsigned status, std::string_view body);

struct leads_page {
  std::vector<nlohmann::json> leads;
  std::string next;  // paging.next, empty on the last page
};
std::expected<leads_page, api_error> parse_leads_page(unsigned status, std::string_view body);

// Fills `e` from a lead object: contact fields mapped from field_data, the ad/campaign ids into
// extra, occurred_at from created_time. Returns false when the lead has no field_data.
bool apply_lead(const nlohmann::json& lead, const api_options& opt, core::lead_event& e);

// The Messenger User Profile API. A PSID is scoped to its Page: the source's Page token asks.
inline constexpr std::string_view profile_fields = "first_name,last_name,name";
std::string profile_url(const api_options& opt, std::string_view psid);

struct user_profile {
  std::string name;        // as Facebook shows it: either order ("Lan Nguyễn", "Nguyễn Thị Lan")
  std::string first_name;  // the given name
  std::string last_name;   // the family name
};
// The profile reply through parse_reply (an error in a 200 body is a failure). A name that is not
// valid UTF-8 or longer than 256 bytes is dropped; a reply with no name at all is an empty profile.
std::expected<user_profile, api_error> parse_profile_reply(unsigned status, std::string_view body);

// Names the contact of `e` from the profile when it has no name yet, family name first as every
// full name here ("Lan Nguyễn" with last_name "Nguyễn" -> "Nguyễn Lan"), family and given names
// from last_name / first_name. A profile gives a name only, never an identity key: the PSID is
// already on the event. Returns whether it named the contact.
bool apply_profile(const user_profile& p, core::lead_event& e);

// "2024-05-29T10:00:00+0000" → unix seconds; nullopt when it does not parse.
std::optional<std::int64_t> graph_time(std::string_view s);

}  // namespace lg::provider_apis::graph
