// See sugarcrm_mapping.hpp.
#include "webhooks/connectors/sugarcrm/sugarcrm_mapping.hpp"

#include "core/normalize.hpp"

#include <cstdio>

namespace lg::webhooks::sugarcrm {

std::string string_member(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return {};
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool deleted_flag(const nlohmann::json& record) {
  if (!record.is_object()) return false;
  const auto it = record.find("deleted");
  if (it == record.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  if (it->is_number_integer()) return it->get<long long>() == 1;
  if (it->is_string()) {
    const auto& v = it->get_ref<const std::string&>();
    return v == "1" || v == "true";
  }
  return false;
}

std::pair<std::string, std::string> split_name(std::string_view full, bool given_first) {
  if (!given_first) {
    auto parts = core::split_vietnamese_name(full);
    if (parts.family.empty()) return {std::move(parts.given), {}};  // one word: Sugar needs last_name
    return {std::move(parts.family), std::move(parts.given)};
  }
  // Given name first ("An Nguyen"): the last word is the family name.
  while (!full.empty() && full.back() == ' ') full.remove_suffix(1);
  const auto space = full.rfind(' ');
  if (space == std::string_view::npos) return {std::string(full), {}};
  auto given = full.substr(0, space);
  while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
  return {std::string(full.substr(space + 1)), std::string(given)};
}

namespace {

// The newest timeline touch that carries `key` (the timeline is newest first).
std::string newest_touch(const nlohmann::json& contact, std::string_view key) {
  const auto it = contact.find("timeline");
  if (it == contact.end() || !it->is_array()) return {};
  for (const auto& e : *it) {
    if (string_member(e, "k") != "touch") continue;
    auto v = string_member(e, key);
    if (!v.empty()) return v;
  }
  return {};
}

std::string first_value(const nlohmann::json& contact, std::string_view list) {
  const auto it = contact.find(list);
  if (it == contact.end() || !it->is_array() || it->empty()) return {};
  return string_member((*it)[0], "value");
}

bool empty_value(const nlohmann::json& v) {
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty());
}

// The member `name` of an object, null when absent (or `j` is not an object).
const nlohmann::json* member(const nlohmann::json& j, const std::string& name) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(name);
  return it == j.end() ? nullptr : &*it;
}

}  // namespace

nlohmann::json build_record(const options& o, const nlohmann::json& contact, const nlohmann::json& event) {
  const auto [family, given] = split_name(string_member(contact, "name"), o.given_name_first);
  std::string source = string_member(event, "source");
  if (source.empty()) source = newest_touch(contact, "ch");
  std::string campaign = string_member(event, "campaign");
  if (campaign.empty()) campaign = newest_touch(contact, "cmp");
  const std::string lead = string_member(event, "lead_id");

  nlohmann::json rec = nlohmann::json::object();
  auto put = [&](const std::string& field, nlohmann::json value) {
    const auto name = o.crm_field(field);
    if (name.empty()) return;
    if (value.is_string() && value.get<std::string>().empty()) return;
    if (value.is_array() && value.empty()) return;
    rec[name] = std::move(value);
  };
  put("name.family", family.empty() ? std::string("(unknown)") : family);
  put("name.given", given);
  put("phone", first_value(contact, "phones"));
  nlohmann::json emails = nlohmann::json::array();
  if (const auto it = contact.find("emails"); it != contact.end() && it->is_array()) {
    for (const auto& e : *it) {
      auto v = string_member(e, "value");
      if (v.empty()) continue;
      emails.push_back({{"email_address", v}, {"primary_address", emails.empty()}, {"opt_out", false},
                        {"invalid_email", false}});
    }
  }
  put("email", std::move(emails));
  put("source", source);
  put("campaign", campaign);
  put("status", o.default_status);
  put("assigned_user", string_member(event, "assigned_user_id"));
  put("team", string_member(event, "team_id"));
  put("lead_id", lead.empty() ? std::string() : "leadgate lead " + lead);
  return rec;
}

bool leadgate_may_write(const nlohmann::json& crm_value, const nlohmann::json* last_written) {
  if (empty_value(crm_value)) return true;
  return last_written != nullptr && *last_written == crm_value;
}

std::vector<std::string> owned_crm_fields(const options& o) {
  std::vector<std::string> out;
  for (const char* f : lead_fields) {
    if (!o.crm_owns(f)) continue;
    auto name = o.crm_field(f);
    if (!name.empty()) out.push_back(std::move(name));
  }
  return out;
}

update_plan decide_update(const options& o, nlohmann::json desired, const nlohmann::json& last_written,
                          const nlohmann::json* crm) {
  update_plan plan;
  for (const auto& name : owned_crm_fields(o)) {
    const auto it = desired.find(name);
    if (it == desired.end()) continue;
    const auto* last = member(last_written, name);
    if (last != nullptr && *last == *it) {
      desired.erase(it);
      continue;
    }
    if (crm == nullptr) {
      plan.needs_crm_values = true;
      continue;
    }
    const auto* now = member(*crm, name);
    if (!leadgate_may_write(now != nullptr ? *now : nlohmann::json(), last)) desired.erase(it);
  }
  if (plan.needs_crm_values) return plan;
  plan.body = std::move(desired);
  return plan;
}

nlohmann::json owned_after_write(const options& o, const nlohmann::json& sent, nlohmann::json last_written) {
  if (!last_written.is_object()) last_written = nlohmann::json::object();
  for (const auto& name : owned_crm_fields(o)) {
    const auto it = sent.find(name);
    if (it != sent.end()) last_written[name] = *it;
  }
  return last_written;
}

std::string fingerprint(const options& o, const nlohmann::json& record) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (const char* f : {"name.family", "name.given", "phone", "status", "assigned_user"}) {
    const auto v = string_member(record, o.crm_field(f));
    for (unsigned char c : v) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0x1f;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace lg::webhooks::sugarcrm
