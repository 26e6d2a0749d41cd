// One entry of "sources": where a lead comes from and, for the form-like channels, how its
// fields are mapped, which are required, who may post it (CORS, token) and how it is bounded.
#include "config/build.hpp"
#include "config/field_targets.hpp"
#include "core/url.hpp"
#include "core/ascii.hpp"
#include "core/lead_event.hpp"

#include <algorithm>
#include <map>

namespace lg::config::detail {
namespace {

std::string channel_list() {
  std::string out;
  for (int i = static_cast<int>(core::channel::web_form); i <= static_cast<int>(core::channel::import); ++i) {
    if (!out.empty()) out += ", ";
    out += core::to_string(static_cast<core::channel>(i));
  }
  return out;
}

bool is_form_channel(std::string_view channel) { return channel == "web_form" || channel == "landing_page"; }

// A form field name as browsers and landing-page builders write them: "ho_ten", "form[phone]".
bool is_field_name(std::string_view s) {
  return !s.empty() && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("_.-[]").find(c) != std::string_view::npos;
  });
}

void read_field_map(const json& j, const std::string& path, json_reader& r, source_config& s) {
  if (!j.is_object()) {
    r.add(path, "must be an object of target field -> array of input names");
    return;
  }
  std::map<std::string, std::string> owner;  // lower-cased input name -> target
  for (const auto& [target, names] : j.items()) {
    if (!target.empty() && target.front() == '_') continue;
    const auto tpath = member_path(path, target);
    if (!is_known_target(target)) {
      r.add(tpath, "unknown target field");
      continue;
    }
    std::vector<std::string> inputs;
    if (!r.string_array(j, path, target, inputs, 64, 256)) continue;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const auto [it, fresh] = owner.emplace(core::lower_ascii(inputs[i]), target);
      if (!fresh && it->second != target)
        r.add(index_path(tpath, i), "'" + inputs[i] + "' is already mapped to " + it->second);
    }
    s.field_map[target] = std::move(inputs);
  }
}

void read_required(const json& j, const std::string& path, json_reader& r, source_config& s) {
  std::vector<std::string> entries;
  if (!r.string_array(j, path, "required", entries, 32, 256)) return;
  const auto rpath = member_path(path, "required");
  bool ok = true;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string_view rest = entries[i];
    while (true) {
      const auto bar = rest.find('|');
      const auto alt = rest.substr(0, bar);
      if (alt.empty()) {
        r.add(index_path(rpath, i), "empty alternative in '" + entries[i] + "'");
        ok = false;
      } else if (!is_known_target(alt)) {
        r.add(index_path(rpath, i), "unknown field '" + std::string(alt) + "'");
        ok = false;
      }
      if (bar == std::string_view::npos) break;
      rest.remove_prefix(bar + 1);
    }
  }
  if (ok) s.required = std::move(entries);
}

void read_cors(const json& j, const std::string& path, json_reader& r, source_config& s) {
  std::vector<std::string> origins;
  if (!r.string_array(j, path, "cors_origins", origins, 256, 512)) return;
  bool ok = true;
  for (std::size_t i = 0; i < origins.size(); ++i) {
    if (origins[i] == "*") continue;
    const auto where = index_path(member_path(path, "cors_origins"), i);
    const auto u = parse_url(origins[i]);
    if (!u || (u->scheme != "http" && u->scheme != "https") || u->host.empty()) {
      r.add(where, "not a URL");
      ok = false;
    } else if (!u->path.empty() || !u->query.empty() || origins[i].find('#') != std::string::npos ||
               !u->userinfo.empty()) {
      // Browsers send Origin as scheme://host[:port] exactly; a path would never match.
      r.add(where, "an origin is scheme://host[:port], without a path");
      ok = false;
    }
  }
  if (ok) s.cors_origins = std::move(origins);
}

}  // namespace

void read_source(const json& j, const std::string& path, json_reader& r, source_config& s) {
  if (!r.object(j, path,
                {"id", "channel", "preset", "enabled", "field_map", "required", "cors_origins", "honeypot",
                 "thank_you_url", "token", "dedupe_window_ms", "max_field_length", "max_fields", "options"}))
    return;

  std::string v;
  if (!j.contains("id")) {
    r.add(path + ".id", "required");
  } else if (r.string(j, path, "id", v, 64)) {
    if (is_valid_id(v))
      s.id = v;
    else
      r.add(path + ".id", id_rule);
  }

  if (!j.contains("channel"))
    r.add(path + ".channel", "required");
  else if (r.string(j, path, "channel", v, 64)) {
    if (core::channel_from_string(v))
      s.channel = v;
    else
      r.add(path + ".channel", "unknown channel '" + v + "' (one of " + channel_list() + ")");
  }

  if (r.string(j, path, "preset", v, 64)) {
    // The form adapter's presets are known here; other channels validate theirs in their factory.
    if (is_form_channel(s.channel) && !v.empty() && v != "generic" && v != "ladipage")
      r.add(path + ".preset", "unknown preset '" + v + "' (generic or ladipage)");
    else
      s.preset = v;
  }
  r.boolean(j, path, "enabled", s.enabled);
  if (j.contains("field_map")) read_field_map(j.at("field_map"), path + ".field_map", r, s);
  read_required(j, path, r, s);
  read_cors(j, path, r, s);

  if (r.string(j, path, "honeypot", v, 256)) {
    if (!v.empty() && !is_field_name(v)) {
      r.add(path + ".honeypot", "not a field name");
    } else {
      const auto lv = core::lower_ascii(v);
      // Target names map to themselves through the presets, so they are inputs too.
      bool mapped = is_known_target(lv);
      for (const auto& [target, inputs] : s.field_map)
        for (const auto& in : inputs) mapped = mapped || (!lv.empty() && core::lower_ascii(in) == lv);
      if (mapped)
        r.add(path + ".honeypot", "'" + v + "' is also a mapped input; a honeypot must be a field people never fill");
      else
        s.honeypot = v;
    }
  }
  if (r.string(j, path, "thank_you_url", v, 2048)) {
    if (v.empty() || is_http_url(v))
      s.thank_you_url = v;
    else
      r.add(path + ".thank_you_url", "not an http(s) URL");
  }
  if (const auto it = j.find("token"); it != j.end()) {
    try {
      auto token = resolve_secret(*it, path + ".token");
      // Short tokens can be guessed; these are posted by browsers and third parties.
      if (token.size() < 16)
        r.add(path + ".token", "too short (at least 16 characters)");
      else if (token.size() > 512)
        r.add(path + ".token", "longer than 512 characters");
      else
        s.token = std::move(token);
    } catch (const config_error& e) {
      r.add_line(e.what());
    }
  }
  r.millis(j, path, "dedupe_window_ms", s.dedupe_window, 1, 86'400'000);
  r.unsigned_value(j, path, "max_field_length", s.max_field_length, 1, 1 << 20);
  r.unsigned_value(j, path, "max_fields", s.max_fields, 1, 10'000);
  if (const auto it = j.find("options"); it != j.end()) {
    if (it->is_object())
      s.options = *it;
    else
      r.add(path + ".options", "must be an object");
  }
}

}  // namespace lg::config::detail
