// Settings of a `sugarcrm` destination (SugarCRM REST v10/v11 and DotB, which is Sugar under
// another name and without upsert): who leadgate logs in as, how contact fields map onto Lead
// fields, which side owns each field, and how the two-way pull runs. Built from the validated
// config (config/destinations.cpp checks the same keys); secrets arrive resolved.
#pragma once

#include "http/client.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace lg::webhooks::sugarcrm {

// The leadgate-side fields a Lead is written from. `name.family` and `name.given` are the
// contact's name split family-first as everywhere in leadgate ("Nguyễn Thị Lan" → "Nguyễn",
// "Thị Lan"), or given-first when name_order says so.
inline constexpr const char* lead_fields[] = {"name.family", "name.given", "phone",   "email",     "source",
                                              "campaign",    "status",     "assigned_user", "team", "lead_id"};

struct options {
  std::string tenant;
  std::string destination;           // the destination id
  std::string base_url;              // https://crm.example.edu.vn (…/rest/v11 is appended)
  std::string module = "Leads";
  std::string client_id = "sugar";   // "dotb" on DotB
  std::string client_secret;         // "" for the built-in client
  std::string username;
  std::string password;              // resolved from {"env":…}; never logged
  std::string platform = "leadgate";
  std::string integration_user_id;   // empty: learnt from the modified_user_id of leadgate's writes
  bool two_way = false;              // direction: two_way
  bool given_name_first = false;     // name_order: "given_first"
  std::string default_status = "New";
  // leadgate field → CRM field; a field mapped to "" is not written.
  std::map<std::string, std::string> field_map{{"name.family", "last_name"},     {"name.given", "first_name"},
                                               {"phone", "phone_mobile"},        {"email", "email"},
                                               {"source", "lead_source"},        {"campaign", "campaign_name"},
                                               {"status", "status"},             {"assigned_user", "assigned_user_id"},
                                               {"team", "team_id"},              {"lead_id", "description"}};
  // leadgate field → "crm" or "leadgate". A CRM-owned field is written when leadgate creates the
  // record, never on an update; pulls bring CRM-owned status and assigned user back.
  std::map<std::string, std::string> ownership{{"status", "crm"}, {"assigned_user", "crm"}};
  std::chrono::milliseconds timeout{10000};            // one HTTP call
  std::chrono::milliseconds poll_interval{30000};      // between two pulls
  std::chrono::milliseconds poke_check{1000};          // how often a notification's poke is looked for
  std::size_t page_size = 100;                         // max_num
  std::size_t max_pages = 50;                          // per pull run
  std::size_t timeline_cap = 200;
  net::http_client_options http;

  bool crm_owns(const std::string& field) const {
    const auto it = ownership.find(field);
    return it != ownership.end() && it->second == "crm";
  }
  std::string crm_field(const std::string& field) const {
    const auto it = field_map.find(field);
    return it == field_map.end() ? std::string() : it->second;
  }
};

}  // namespace lg::webhooks::sugarcrm

#include "core/error.hpp"

#include <expected>
#include <nlohmann/json_fwd.hpp>

namespace lg::webhooks::sugarcrm {

// Reads a destination's `options` object over `base` (tenant, destination, base_url, password,
// client_secret and timeout already set from the destination). Unknown keys, wrong types and
// unknown field names fail with invalid_field naming "options.<key>".
std::expected<options, core::error> read_options(const nlohmann::json& j, options base);

}  // namespace lg::webhooks::sugarcrm
