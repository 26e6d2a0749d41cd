// Internal: from parsed form fields to lead event values. map_fields() decides which target
// each input name feeds (the source's field_map, then its preset, then "interest.x"-style
// names as themselves, else extra); fill_event() normalizes what was mapped.
#pragma once

#include "adapters/web_form/web_form.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lg::adapters::web_form::detail {

// Raw values per target, as typed, before normalization.
struct mapped_form {
  std::string full_name, family_name, given_name, city, address, page_url, referrer;
  std::vector<std::string> phones, emails, messages;
  std::map<std::string, std::string> interest, utm, extra;
  std::map<std::string, bool> consent;
  bool honeypot = false;
};

mapped_form map_fields(const field_mapping& mapping, const field_list& fields);
mapped_form map_fields(const config::source_config& src, const field_list& fields);

// Why the first phone / email failed to normalize, for the required-field error.
struct fill_outcome {
  std::optional<core::error> phone_error;
  std::optional<core::error> email_error;
};

fill_outcome fill_event(const mapped_form& form, core::lead_event& event);

// Checkbox-style truth: "", "0", "false", "no", "off", "không" are false; anything else true.
bool consent_value(std::string_view raw);

}  // namespace lg::adapters::web_form::detail
