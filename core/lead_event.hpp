// The lead event: what every adapter produces and what travels on lg:{t}:in.
// Its JSON form is the contract of DESIGN.md ("Lead event"); field names match it exactly.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lg::core {

// A channel a lead can arrive through (DESIGN.md, "Channels").
enum class channel {
  web_form,
  landing_page,
  zalo,
  facebook_messenger,
  facebook_lead_ads,
  hotline,
  sms,
  email,
  api,
  import,
};

std::string_view to_string(channel c) noexcept;
std::optional<channel> channel_from_string(std::string_view s) noexcept;

struct contact_info {
  std::string full_name;    // NFC, whitespace collapsed
  std::string family_name;  // Vietnamese order: first word of full_name
  std::string given_name;   // the rest
  std::vector<std::string> phones;  // E.164
  // The phones (of `phones`) a provider reported that libphonenumber's metadata does not know
  // (core::normalize_reported_phone): identities all the same, flagged on the contact.
  std::vector<std::string> unverified_phones;
  std::vector<std::string> emails;  // trimmed, lower-cased, validated
  std::map<std::string, std::string> ids;  // channel identity: "zalo" -> user id, ...
  std::string city;
  std::string address;
  // Raw values that failed normalization, kept so nothing the person typed is lost.
  std::vector<std::string> invalid_phones;
  std::vector<std::string> invalid_emails;
};

struct campaign_info {
  std::map<std::string, std::string> utm;  // utm_source, utm_medium, utm_campaign, utm_term, utm_content
  std::string page_url;
  std::string referrer;
};

struct client_info {
  std::string ip;
  std::string user_agent;
};

struct lead_event {
  std::string event_id;     // "<channel>:<kind>:<provider id or hash>"; also the idempotency key
  std::string lead_id;      // assigned at accept time, returned to the caller
  std::string source;       // config source id
  channel chan = channel::web_form;
  std::string received_at;  // RFC 3339 UTC with milliseconds
  std::string occurred_at;  // provider's time when known, else received_at
  contact_info contact;
  std::map<std::string, std::string> interest;  // program, campus, ...
  campaign_info campaign;
  client_info client;
  std::string message;
  std::map<std::string, bool> consent;
  std::map<std::string, std::string> extra;  // unmapped form fields, kept for the CRM
  std::string raw_ref;
};

void to_json(nlohmann::json& j, const lead_event& e);
void from_json(const nlohmann::json& j, lead_event& e);

}  // namespace lg::core
