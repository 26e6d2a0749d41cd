// See sugarcrm_options.hpp.
#include "webhooks/connectors/sugarcrm/sugarcrm_options.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace lg::webhooks::sugarcrm {

namespace {

std::unexpected<core::error> bad(const std::string& key, const std::string& why) {
  return std::unexpected(core::make_error(core::errc::invalid_field, why, "options." + key));
}

bool known_field(const std::string& f) {
  return std::any_of(std::begin(lead_fields), std::end(lead_fields), [&](const char* k) { return f == k; });
}

}  // namespace

std::expected<options, core::error> read_options(const nlohmann::json& j, options o) {
  if (!j.is_object()) return bad("", "must be an object");
  static const std::set<std::string> keys{"module",      "client_id",   "username",  "platform",
                                          "integration_user_id", "name_order", "default_status", "field_map",
                                          "ownership",   "poll_interval_ms", "page_size", "password",
                                          "client_secret", "notify_secret"};
  for (const auto& [k, v] : j.items()) {
    if (!keys.contains(k)) return bad(k, "unknown option");
  }
  // Secrets arrive resolved (config's credentials); in the file they are only {"env":…}.
  for (const char* key : {"password", "client_secret", "notify_secret"})
    if (const auto it = j.find(key); it != j.end() && !it->is_object())
      return bad(key, "must be a secret {\"env\":\"NAME\"}, not written into the file");
  auto text = [&](const char* key, std::string& out, bool required) -> std::optional<std::unexpected<core::error>> {
    const auto it = j.find(key);
    if (it == j.end()) {
      if (required) return bad(key, "required");
      return std::nullopt;
    }
    if (!it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > 256)
      return bad(key, "must be a non-empty string of at most 256 bytes");
    out = it->get<std::string>();
    return std::nullopt;
  };
  if (auto e = text("module", o.module, false)) return *e;
  if (auto e = text("client_id", o.client_id, false)) return *e;
  if (auto e = text("username", o.username, true)) return *e;
  if (auto e = text("platform", o.platform, false)) return *e;
  if (auto e = text("integration_user_id", o.integration_user_id, false)) return *e;
  if (auto e = text("default_status", o.default_status, false)) return *e;
  std::string order = "family_first";
  if (auto e = text("name_order", order, false)) return *e;
  if (order != "family_first" && order != "given_first") return bad("name_order", "family_first or given_first");
  o.given_name_first = order == "given_first";
  if (o.password.empty()) return bad("password", "required ({\"env\":\"NAME\"} holding the integration user's password)");

  if (const auto it = j.find("field_map"); it != j.end()) {
    if (!it->is_object()) return bad("field_map", "must be an object {leadgate field: CRM field}");
    for (const auto& [k, v] : it->items()) {
      if (!known_field(k)) return bad("field_map." + k, "unknown leadgate field");
      if (!v.is_string() || v.get<std::string>().size() > 64) return bad("field_map." + k, "must be a CRM field name (\"\" to not write it)");
      o.field_map[k] = v.get<std::string>();
    }
  }
  if (const auto it = j.find("ownership"); it != j.end()) {
    if (!it->is_object()) return bad("ownership", "must be an object {leadgate field: \"crm\"|\"leadgate\"}");
    for (const auto& [k, v] : it->items()) {
      if (!known_field(k)) return bad("ownership." + k, "unknown leadgate field");
      if (!v.is_string() || (v.get<std::string>() != "crm" && v.get<std::string>() != "leadgate"))
        return bad("ownership." + k, "must be \"crm\" or \"leadgate\"");
      o.ownership[k] = v.get<std::string>();
    }
  }
  if (const auto it = j.find("poll_interval_ms"); it != j.end()) {
    if (!it->is_number_integer() || it->get<long long>() < 10 || it->get<long long>() > 86'400'000)
      return bad("poll_interval_ms", "must be an integer between 10 and 86400000");
    o.poll_interval = std::chrono::milliseconds(it->get<long long>());
    o.poke_check = std::min(o.poke_check, o.poll_interval);
  }
  if (const auto it = j.find("page_size"); it != j.end()) {
    if (!it->is_number_integer() || it->get<long long>() < 1 || it->get<long long>() > 1000)
      return bad("page_size", "must be an integer between 1 and 1000");
    o.page_size = it->get<std::size_t>();
  }
  return o;
}

}  // namespace lg::webhooks::sugarcrm
