#include "adapters/web_form/field_mapper.hpp"

#include "adapters/web_form/field_collector.hpp"
#include "adapters/web_form/presets.hpp"
#include "config/field_targets.hpp"
#include "core/normalize.hpp"

#include <algorithm>

namespace lg::adapters::web_form::detail {
namespace {

void set_once(std::string& slot, std::string_view value) {
  if (slot.empty()) slot = trim(value);
}

void set_once(std::map<std::string, std::string>& slots, const std::string& key, std::string_view value) {
  const auto v = trim(value);
  if (!v.empty()) slots.emplace(key, v);
}

void assign(mapped_form& f, const std::string& target, const std::string& name, std::string_view value) {
  const auto dot = target.find('.');
  if (dot != std::string::npos) {
    const auto prefix = std::string_view(target).substr(0, dot);
    const auto key = target.substr(dot + 1);
    if (prefix == "interest") set_once(f.interest, key, value);
    else if (prefix == "consent") f.consent.emplace(key, consent_value(value));
    else set_once(f.extra, key, value);
    return;
  }
  if (target == "full_name") set_once(f.full_name, value);
  else if (target == "family_name") set_once(f.family_name, value);
  else if (target == "given_name") set_once(f.given_name, value);
  else if (target == "phone") f.phones.emplace_back(value);
  else if (target == "email") f.emails.emplace_back(value);
  else if (target == "city") set_once(f.city, value);
  else if (target == "address") set_once(f.address, value);
  else if (target == "message") f.messages.emplace_back(value);
  else if (target == "page_url") set_once(f.page_url, value);
  else if (target == "referrer") set_once(f.referrer, value);
  else if (target.starts_with("utm_")) set_once(f.utm, target, value);
  else set_once(f.extra, name, value);
}

void add_unique(std::vector<std::string>& list, std::string value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

// Each non-blank value through `normalize` into `valid`, or as typed into `invalid`; the first
// failure's error is kept for the required-field check.
template <class Normalize>
void normalize_all(const std::vector<std::string>& raw_values, Normalize normalize, std::vector<std::string>& valid,
                   std::vector<std::string>& invalid, std::optional<core::error>& first_error) {
  for (const auto& raw : raw_values) {
    const auto v = trim(raw);
    if (v.empty()) continue;
    if (auto n = normalize(v)) {
      add_unique(valid, std::move(*n));
    } else {
      add_unique(invalid, std::string(v));
      if (!first_error) first_error = n.error();
    }
  }
}

// NFC and collapsed spaces per line, keeping the line breaks people typed.
std::string normalize_message(std::string_view raw) {
  std::string out;
  while (!raw.empty()) {
    const auto nl = raw.find('\n');
    const auto line = core::normalize_text(raw.substr(0, nl));
    if (!line.empty()) {
      if (!out.empty()) out += '\n';
      out += line;
    }
    if (nl == std::string_view::npos) break;
    raw.remove_prefix(nl + 1);
  }
  return out;
}

}  // namespace

}  // namespace lg::adapters::web_form::detail

namespace lg::adapters::web_form {

field_mapping::field_mapping(const config::source_config& src) : honeypot_(detail::lower_ascii(src.honeypot)) {
  for (const auto& [target, inputs] : src.field_map)
    for (const auto& in : inputs) table_.emplace(detail::lower_ascii(in), target);
  for (const auto& [name, target] : detail::preset_fields(src.preset))
    table_.emplace(std::string(name), std::string(target));
}

const std::string* field_mapping::target(std::string_view lower_name) const {
  const auto it = table_.find(lower_name);
  return it == table_.end() ? nullptr : &it->second;
}

}  // namespace lg::adapters::web_form

namespace lg::adapters::web_form::detail {

bool consent_value(std::string_view raw) {
  const auto v = lower_ascii(trim(raw));
  return !(v.empty() || v == "0" || v == "false" || v == "no" || v == "off" || v == "n" || v == "không" ||
           v == "khong");
}

mapped_form map_fields(const config::source_config& src, const field_list& fields) {
  return map_fields(field_mapping(src), fields);
}

mapped_form map_fields(const field_mapping& mapping, const field_list& fields) {
  const auto& honeypot = mapping.honeypot();
  mapped_form f;
  for (const auto& [name, value] : fields) {
    const auto lname = lower_ascii(name);
    if (!honeypot.empty() && lname == honeypot) {
      f.honeypot = f.honeypot || !trim(value).empty();
      continue;
    }
    if (const std::string* target = mapping.target(lname)) {
      assign(f, *target, name, value);
    } else if (lname.find('.') != std::string::npos && config::is_known_target(lname)) {
      // Nested JSON such as {"interest":{"program":"IELTS"}} arrives as "interest.program".
      assign(f, lname, name, value);
    } else {
      set_once(f.extra, name, value);
    }
  }
  return f;
}

fill_outcome fill_event(const mapped_form& f, core::lead_event& e) {
  fill_outcome out;
  auto& c = e.contact;
  if (!f.full_name.empty()) {
    c.full_name = core::normalize_name(f.full_name);
  } else if (!f.family_name.empty() || !f.given_name.empty()) {
    c.full_name = core::normalize_name(f.family_name + " " + f.given_name);
  }
  if (!f.family_name.empty() || !f.given_name.empty()) {
    c.family_name = core::normalize_name(f.family_name);
    c.given_name = core::normalize_name(f.given_name);
  } else if (!c.full_name.empty()) {
    auto parts = core::split_vietnamese_name(c.full_name);
    c.family_name = std::move(parts.family);
    c.given_name = std::move(parts.given);
  }

  normalize_all(f.phones, [](std::string_view v) { return core::normalize_phone(v); }, c.phones, c.invalid_phones,
                out.phone_error);
  normalize_all(f.emails, [](std::string_view v) { return core::normalize_email(v); }, c.emails, c.invalid_emails,
                out.email_error);
  c.city = core::normalize_text(f.city);
  c.address = core::normalize_text(f.address);

  for (const auto& m : f.messages) {
    auto text = normalize_message(m);
    if (text.empty()) continue;
    if (!e.message.empty()) e.message += '\n';
    e.message += text;
  }
  for (const auto& [k, v] : f.interest) e.interest[k] = core::normalize_text(v);
  for (const auto& [k, v] : f.extra) e.extra[k] = core::normalize_text(v);
  e.consent = f.consent;
  e.campaign.utm = f.utm;
  e.campaign.page_url = f.page_url;
  e.campaign.referrer = f.referrer;
  return out;
}

}  // namespace lg::adapters::web_form::detail
