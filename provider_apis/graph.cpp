// Graph API requests, replies and the Lead Ads field mapping (see graph.hpp). Pure.
#include "provider_apis/graph.hpp"
#include "core/percent.hpp"

#include "adapters/web_form/field_mapper.hpp"
#include "provider_apis/options.hpp"
#include "provider_apis/zalo_oa.hpp"
#include "config/field_targets.hpp"
#include "core/normalize.hpp"
#include "core/time_format.hpp"
#include "store/contacts.hpp"
#include "http/url.hpp"

#include <array>

namespace lg::provider_apis::graph {
namespace {

using nlohmann::json;

constexpr std::size_t max_field_values = 200;  // field_data entries read per lead
constexpr std::size_t max_value_length = 1024;
constexpr std::size_t max_profile_name = 256;  // bytes; Facebook names are far shorter

using detail::id_text;
using detail::text_option;

std::chrono::seconds seconds_option(const json& j, const char* key, const std::string& path,
                                    std::chrono::seconds fallback, long long lo, long long hi) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_number_integer() || it->get<long long>() < lo || it->get<long long>() > hi)
    throw config::config_error(path + "." + key + ": must be " + std::to_string(lo) + ".." + std::to_string(hi));
  return std::chrono::seconds(it->get<long long>());
}

// Lead Ads' standard question names (lower case) → lead event targets; the source's field_map
// comes first.
constexpr std::array<std::pair<std::string_view, std::string_view>, 12> lead_ads_names{{
    {"full_name", "full_name"},
    {"first_name", "given_name"},
    {"last_name", "family_name"},
    {"phone_number", "phone"},
    {"phone", "phone"},
    {"email", "email"},
    {"city", "city"},
    {"street_address", "address"},
    {"ho_ten", "full_name"},
    {"so_dien_thoai", "phone"},
    {"sdt", "phone"},
    {"zip_code", "extra.zip_code"},
}};

const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string profile_name(const json& j, const char* key) {
  const json* v = member(j, key);
  if (v == nullptr || !v->is_string()) return {};
  const auto& s = v->get_ref<const std::string&>();
  if (s.size() > max_profile_name || !core::is_valid_utf8(s)) return {};
  return core::normalize_name(s);
}

// `words` is the first (or last) whole words of `s`.
bool starts_with_words(std::string_view s, std::string_view words) {
  return s.starts_with(words) && (s.size() == words.size() || s[words.size()] == ' ');
}
bool ends_with_words(std::string_view s, std::string_view words) {
  return s.size() > words.size() && s.ends_with(words) && s[s.size() - words.size() - 1] == ' ';
}

}  // namespace

std::optional<api_options> parse_api_options(const json& options, const std::string& source, const std::string& path) {
  if (!options.is_object()) return std::nullopt;
  auto tok = options.find("page_token");
  if (tok == options.end()) return std::nullopt;
  api_options o;
  o.source = source;
  o.page_token = config::resolve_secret(*tok, path + ".page_token");
  if (o.page_token.empty()) return std::nullopt;
  o.base_url = text_option(options, "graph_base_url", path, o.base_url);
  while (o.base_url.ends_with('/')) o.base_url.pop_back();
  o.ca_file = text_option(options, "ca_file", path, "");
  o.timeout = detail::timeout_option(options, path, o.timeout);
  if (auto it = options.find("field_map"); it != options.end()) {
    if (!it->is_object()) throw config::config_error(path + ".field_map: must be an object of target -> names");
    for (const auto& [target, names] : it->items()) {
      if (!config::is_known_target(target)) throw config::config_error(path + ".field_map." + target + ": unknown target field");
      if (!names.is_array()) throw config::config_error(path + ".field_map." + target + ": must be an array of names");
      auto& list = o.mapping.field_map[target];
      for (const auto& n : names) {
        if (!n.is_string() || n.get<std::string>().empty())
          throw config::config_error(path + ".field_map." + target + ": names must be non-empty strings");
        list.push_back(n.get<std::string>());
      }
    }
  }
  for (const auto& [name, target] : lead_ads_names) {
    bool taken = false;
    for (const auto& [_, names] : o.mapping.field_map)
      for (const auto& n : names) taken = taken || n == name;
    if (!taken) o.mapping.field_map[std::string(target)].emplace_back(name);
  }
  if (auto it = options.find("lead_forms"); it != options.end()) {
    if (!it->is_array()) throw config::config_error(path + ".lead_forms: must be an array of form ids");
    for (std::size_t i = 0; i < it->size(); ++i) {
      std::string id = id_text(&(*it)[i]);
      if (id.empty() || id.size() > 64 || id.find_first_not_of("0123456789") != std::string::npos)
        throw config::config_error(path + ".lead_forms[" + std::to_string(i) + "]: must be a form id (digits)");
      o.lead_forms.push_back(std::move(id));
    }
  }
  o.poll_interval = seconds_option(options, "poll_interval_s", path, o.poll_interval, 1, 86400);
  o.poll_lookback = seconds_option(options, "poll_lookback_s", path, o.poll_lookback, 0, 90 * 86400);
  return o;
}

std::string lead_url(const api_options& opt, std::string_view leadgen_id) {
  return opt.base_url + "/" + core::percent_encode(leadgen_id) + "?fields=" + std::string(lead_fields);
}

std::string leads_url(const api_options& opt, std::string_view form_id, std::int64_t after_unix) {
  json filter = json::array({{{"field", "time_created"}, {"operator", "GREATER_THAN"}, {"value", after_unix}}});
  return opt.base_url + "/" + core::percent_encode(form_id) + "/leads?fields=" + std::string(lead_fields) +
         "&limit=" + std::to_string(leads_page_size) + "&filtering=" + core::percent_encode(filter.dump());
}

std::string profile_url(const api_options& opt, std::string_view psid) {
  return opt.base_url + "/" + core::percent_encode(psid) + "?fields=" + std::string(profile_fields);
}

std::expected<json, api_error> parse_reply(unsigned status, std::string_view body) {
  auto j = json::parse(body.begin(), body.end(), nullptr, false);
  const bool object = !j.is_discarded() && j.is_object();
  if (status >= 200 && status < 300 && object && !j.contains("error")) return j;
  api_error e;
  e.code = status;
  e.message = "HTTP " + std::to_string(status);
  const json* err = object ? member(j, "error") : nullptr;
  long long code = 0;
  if (err != nullptr && err->is_object()) {
    if (auto c = member(*err, "code"); c != nullptr && c->is_number_integer()) code = c->get<long long>();
    if (auto m = member(*err, "message"); m != nullptr && m->is_string())
      e.message += ": " + m->get<std::string>().substr(0, 200);
    e.code = code;
  }
  if (code == 190 || code == 102 || status == 401) {
    e.kind = failure::auth;
  } else if (status >= 500 || status == 429 || status == 408 || code == 1 || code == 2 || code == 4 ||
             code == 17 || code == 32 || code == 341 || code == 613 || (code >= 80000 && code < 80100)) {
    e.kind = failure::transient;
  } else if (status >= 200 && status < 300 && !object) {
    e.kind = failure::transient;  // a cut or garbled 200: ask again
    e.message = "reply is not a JSON object";
  } else {
    e.kind = failure::permanent;
  }
  return std::unexpected(std::move(e));
}

std::expected<leads_page, api_error> parse_leads_page(unsigned status, std::string_view body) {
  auto j = parse_reply(status, body);
  if (!j) return std::unexpected(j.error());
  const json* data = member(*j, "data");
  if (data == nullptr || !data->is_array())
    return std::unexpected(api_error{failure::permanent, 0, "leads reply without a data array"});
  leads_page page;
  for (const auto& lead : *data)
    if (lead.is_object()) page.leads.push_back(lead);
  if (const json* paging = member(*j, "paging"))
    if (const json* next = member(*paging, "next"); next != nullptr && next->is_string())
      page.next = next->get<std::string>();
  return page;
}

std::expected<user_profile, api_error> parse_profile_reply(unsigned status, std::string_view body) {
  auto j = parse_reply(status, body);
  if (!j) return std::unexpected(j.error());
  return user_profile{profile_name(*j, "name"), profile_name(*j, "first_name"), profile_name(*j, "last_name")};
}

bool apply_profile(const user_profile& p, core::lead_event& e) {
  auto& c = e.contact;
  if (!c.full_name.empty()) return false;
  const std::string& family = p.last_name;
  std::string full;
  if (family.empty()) {
    full = p.name.empty() ? p.first_name : p.name;
  } else if (starts_with_words(p.name, family)) {
    full = p.name;  // already family first, middle names included
  } else if (ends_with_words(p.name, family)) {
    full = family + " " + p.name.substr(0, p.name.size() - family.size() - 1);  // "Lan Nguyễn"
  } else {
    full = p.first_name.empty() ? family : family + " " + p.first_name;
  }
  if (full.empty()) return false;
  c.full_name = full;
  if (family.empty()) {
    auto parts = core::split_vietnamese_name(full);
    c.family_name = std::move(parts.family);
    c.given_name = std::move(parts.given);
  } else {
    c.family_name = family;
    c.given_name = full.size() > family.size() ? full.substr(family.size() + 1) : std::string();
  }
  return true;
}

std::optional<std::int64_t> graph_time(std::string_view s) {
  // Graph writes "+0000"; RFC 3339 wants "+00:00".
  std::string t(s);
  if (t.size() >= 5 && (t[t.size() - 5] == '+' || t[t.size() - 5] == '-') && t.find(':', t.size() - 5) == std::string::npos)
    t.insert(t.size() - 2, ":");
  return core::parse_rfc3339(t);
}

bool apply_lead(const json& lead, const api_options& opt, core::lead_event& e) {
  const json* data = member(lead, "field_data");
  if (data == nullptr || !data->is_array()) return false;
  adapters::web_form::field_list fields;
  for (const auto& f : *data) {
    if (fields.size() >= max_field_values) break;
    const json* name = member(f, "name");
    const json* values = member(f, "values");
    if (name == nullptr || !name->is_string() || values == nullptr || !values->is_array()) continue;
    for (const auto& v : *values) {
      if (!v.is_string()) continue;
      const auto& s = v.get_ref<const std::string&>();
      if (s.size() <= max_value_length) fields.emplace_back(name->get<std::string>(), s);
    }
  }
  auto mapped = adapters::web_form::detail::map_fields(opt.mapping, fields);
  adapters::web_form::detail::fill_event(mapped, e);
  auto put = [&](const char* key, const char* name) {
    if (auto v = id_text(member(lead, name)); !v.empty() && v.size() <= 256) e.extra[key] = v;
  };
  put("fb_form_id", "form_id");
  put("fb_ad_id", "ad_id");
  put("fb_ad_name", "ad_name");
  put("fb_adset_id", "adset_id");
  put("fb_campaign_id", "campaign_id");
  put("fb_campaign_name", "campaign_name");
  put("fb_platform", "platform");
  if (auto name = id_text(member(lead, "campaign_name")); !name.empty() && !e.campaign.utm.contains("utm_campaign"))
    e.campaign.utm["utm_campaign"] = name.substr(0, 256);
  if (const json* ct = member(lead, "created_time"); ct != nullptr && ct->is_string()) {
    if (auto t = graph_time(ct->get<std::string>()))
      if (auto iso = core::rfc3339_from_unix_ms(*t * 1000)) e.occurred_at = *iso;
  }
  return true;
}

}  // namespace lg::provider_apis::graph
