// JSON form of the lead event (DESIGN.md, "Lead event"). Empty members are omitted so each
// entry on the inbound stream stays small; from_json accepts what to_json omits.
#include "core/lead_event.hpp"

#include <array>
#include <utility>

namespace lg::core {
namespace {

using json = nlohmann::json;

constexpr std::array<std::pair<channel, std::string_view>, 10> channel_names{{
    {channel::web_form, "web_form"},
    {channel::landing_page, "landing_page"},
    {channel::zalo, "zalo"},
    {channel::facebook_messenger, "facebook_messenger"},
    {channel::facebook_lead_ads, "facebook_lead_ads"},
    {channel::hotline, "hotline"},
    {channel::sms, "sms"},
    {channel::email, "email"},
    {channel::api, "api"},
    {channel::import, "import"},
}};

constexpr std::string_view utm_prefix = "utm_";

void put(json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}

template <class Container>
void put(json& j, const char* key, const Container& v) {
  if (!v.empty()) j[key] = v;
}

void get(const json& j, const char* key, std::string& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<std::string>();
}

template <class Container>
void get(const json& j, const char* key, Container& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<Container>();
}

// A nested member ("contact", "campaign", "client"): absent or null is fine, anything but an
// object is a malformed event and must not be skipped silently.
const json* object_member(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  if (!it->is_object()) {
    throw json::type_error::create(302, std::string("lead event: '") + key + "' must be an object",
                                   &j);
  }
  return &*it;
}

json contact_to_json(const contact_info& c) {
  json j = json::object();
  put(j, "full_name", c.full_name);
  put(j, "family_name", c.family_name);
  put(j, "given_name", c.given_name);
  put(j, "phones", c.phones);
  put(j, "unverified_phones", c.unverified_phones);
  put(j, "emails", c.emails);
  put(j, "ids", c.ids);
  put(j, "city", c.city);
  put(j, "address", c.address);
  put(j, "invalid_phones", c.invalid_phones);
  put(j, "invalid_emails", c.invalid_emails);
  return j;
}

void contact_from_json(const json& j, contact_info& c) {
  get(j, "full_name", c.full_name);
  get(j, "family_name", c.family_name);
  get(j, "given_name", c.given_name);
  get(j, "phones", c.phones);
  get(j, "unverified_phones", c.unverified_phones);
  get(j, "emails", c.emails);
  get(j, "ids", c.ids);
  get(j, "city", c.city);
  get(j, "address", c.address);
  get(j, "invalid_phones", c.invalid_phones);
  get(j, "invalid_emails", c.invalid_emails);
}

// The contract flattens the utm map into the campaign object: {"utm_source":…,"page_url":…}.
json campaign_to_json(const campaign_info& c) {
  json j = json::object();
  for (const auto& [k, v] : c.utm) {
    if (!v.empty()) j[k] = v;
  }
  put(j, "page_url", c.page_url);
  put(j, "referrer", c.referrer);
  return j;
}

void campaign_from_json(const json& j, campaign_info& c) {
  for (const auto& [k, v] : j.items()) {
    if (k.starts_with(utm_prefix)) c.utm[k] = v.get<std::string>();
  }
  get(j, "page_url", c.page_url);
  get(j, "referrer", c.referrer);
}

}  // namespace

std::string_view to_string(channel c) noexcept {
  for (const auto& [value, name] : channel_names) {
    if (value == c) return name;
  }
  return "unknown";
}

std::optional<channel> channel_from_string(std::string_view s) noexcept {
  for (const auto& [value, name] : channel_names) {
    if (name == s) return value;
  }
  return std::nullopt;
}

void to_json(nlohmann::json& j, const lead_event& e) {
  j = json::object();
  put(j, "event_id", e.event_id);
  put(j, "lead_id", e.lead_id);
  put(j, "source", e.source);
  j["channel"] = to_string(e.chan);
  put(j, "received_at", e.received_at);
  put(j, "occurred_at", e.occurred_at);
  if (json c = contact_to_json(e.contact); !c.empty()) j["contact"] = std::move(c);
  put(j, "interest", e.interest);
  if (json c = campaign_to_json(e.campaign); !c.empty()) j["campaign"] = std::move(c);
  json client = json::object();
  put(client, "ip", e.client.ip);
  put(client, "user_agent", e.client.user_agent);
  if (!client.empty()) j["client"] = std::move(client);
  put(j, "message", e.message);
  put(j, "consent", e.consent);
  put(j, "extra", e.extra);
  put(j, "raw_ref", e.raw_ref);
}

void from_json(const nlohmann::json& j, lead_event& e) {
  if (!j.is_object()) {
    throw json::type_error::create(302, "lead event must be a JSON object", &j);
  }
  e = lead_event{};
  // The channel decides parsing and routing downstream, so it is the one required member.
  const auto& chan = j.at("channel");
  auto parsed = channel_from_string(chan.get<std::string>());
  if (!parsed) {
    throw json::other_error::create(
        501, "lead event: unknown channel '" + chan.get<std::string>() + "'", &j);
  }
  e.chan = *parsed;
  get(j, "event_id", e.event_id);
  get(j, "lead_id", e.lead_id);
  get(j, "source", e.source);
  get(j, "received_at", e.received_at);
  get(j, "occurred_at", e.occurred_at);
  if (const json* c = object_member(j, "contact")) contact_from_json(*c, e.contact);
  get(j, "interest", e.interest);
  if (const json* c = object_member(j, "campaign")) campaign_from_json(*c, e.campaign);
  if (const json* c = object_member(j, "client")) {
    get(*c, "ip", e.client.ip);
    get(*c, "user_agent", e.client.user_agent);
  }
  get(j, "message", e.message);
  get(j, "consent", e.consent);
  get(j, "extra", e.extra);
  get(j, "raw_ref", e.raw_ref);
}

}  // namespace lg::core
