// The pure part of the sugarcrm connector (unit-testable without a CRM): contact + event →
// Lead record body, name splitting, the fingerprint used to recognise leadgate's own writes,
// Sugar's date_modified, and query strings.
#pragma once

#include "webhooks/connectors/sugarcrm/sugarcrm_options.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::webhooks::sugarcrm {

// {family, given}: family first (core::split_vietnamese_name: "Nguyễn Thị Lan" → "Nguyễn",
// "Thị Lan"), or given first ("An Nguyen" → "Nguyen", "An"). One word: family only (Sugar
// requires last_name).
std::pair<std::string, std::string> split_name(std::string_view full, bool given_first);

// The Lead fields leadgate writes for `contact` (store::async_get_contact's JSON) and the
// outbox event `event` ({lead_id, assigned_user_id, team_id, …}): every mapped field with a
// value, CRM-owned ones included (a create writes them all; an update asks decide_update).
nlohmann::json build_record(const options& o, const nlohmann::json& contact, const nlohmann::json& event);

// Field ownership on an update ("prefer the CRM unless blank"): leadgate writes a CRM-owned
// field while the CRM's value is empty or still what leadgate last wrote there; once someone in
// the CRM changed it, the CRM owns it. `last_written` is null when leadgate never wrote the field
// of this record.
bool leadgate_may_write(const nlohmann::json& crm_value, const nlohmann::json* last_written);

// The body of an update. `desired` is build_record's; `last_written` maps CRM field names to
// what leadgate last wrote there (store::sync_record::owned); `crm` is the record as the CRM has
// it now, null when not read. A CRM-owned field whose value leadgate already wrote is left out
// (nothing to change, or the CRM changed it since); for any other, the CRM's value decides
// (leadgate_may_write), and without `crm` the answer says the record must be read first.
struct update_plan {
  nlohmann::json body;
  bool needs_crm_values = false;  // read the record, then decide again with it
};
update_plan decide_update(const options& o, nlohmann::json desired, const nlohmann::json& last_written,
                          const nlohmann::json* crm);

// The CRM field names of the CRM-owned fields that are mapped (what a read before an update
// asks for).
std::vector<std::string> owned_crm_fields(const options& o);

// `last_written` updated with the CRM-owned fields `sent` carried: what leadgate wrote to the
// record once the CRM accepted `sent`.
nlohmann::json owned_after_write(const options& o, const nlohmann::json& sent, nlohmann::json last_written);

// A short hash of the fields both sides write (names, phone, status, assigned user) of a Lead
// as the CRM returned it: equal to the stored one → the record is what leadgate last wrote.
std::string fingerprint(const options& o, const nlohmann::json& record);


// A string member of a JSON object, "" when absent or not a string (CRM replies are untrusted).
std::string string_member(const nlohmann::json& j, std::string_view key);

// Whether a pulled record says it was deleted: `deleted` is a bool field, which REST answers as
// true/false; 1 and "1"/"true" are taken too (older and customized instances). Absent: false.
bool deleted_flag(const nlohmann::json& record);

}  // namespace lg::webhooks::sugarcrm
