// The pure part of the sugarcrm connector (unit-testable without a CRM): contact + event →
// Lead record body, name splitting, the fingerprint used to recognise leadgate's own writes,
// Sugar's date_modified, and query strings.
#pragma once

#include "webhooks/sugarcrm/sugarcrm_options.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace lg::webhooks::sugarcrm {

// {family, given}: family first (core::split_vietnamese_name: "Nguyễn Thị Lan" → "Nguyễn",
// "Thị Lan"), or given first ("An Nguyen" → "Nguyen", "An"). One word: family only (Sugar
// requires last_name).
std::pair<std::string, std::string> split_name(std::string_view full, bool given_first);

// The Lead fields leadgate writes for `contact` (store::async_get_contact's JSON) and the
// outbox event `event` ({lead_id, assigned_user_id, team_id, …}). create=false leaves out
// every CRM-owned field: leadgate never overwrites what the CRM owns.
nlohmann::json build_record(const options& o, const nlohmann::json& contact, const nlohmann::json& event,
                            bool create);

// A short hash of the fields both sides write (names, phone, status, assigned user) of a Lead
// as the CRM returned it: equal to the stored one → the record is what leadgate last wrote.
std::string fingerprint(const options& o, const nlohmann::json& record);

// "2026-11-23T14:00:05+07:00" (or …Z) → epoch seconds; nullopt when it is not that shape.
std::optional<std::int64_t> parse_date_modified(std::string_view s);

// A string member of a JSON object, "" when absent or not a string (CRM replies are untrusted).
std::string string_member(const nlohmann::json& j, std::string_view key);

// Whether a pulled record says it was deleted: `deleted` is a bool field, which REST answers as
// true/false; 1 and "1"/"true" are taken too (older and customized instances). Absent: false.
bool deleted_flag(const nlohmann::json& record);

}  // namespace lg::webhooks::sugarcrm
