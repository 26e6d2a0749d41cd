// Shared request-path helpers of the hotline, SMS and email-webhook adapters.
#include "adapters/telephony/hook_common.hpp"

#include "core/normalize.hpp"
#include "core/time_format.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

namespace lg::adapters::hook {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid
// (overlongs, surrogates and values past U+10FFFF are invalid too).
std::size_t utf8_seq_len(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) n = 2;
  else if (b0 == 0xE0) { n = 3; lo = 0xA0; }
  else if (b0 >= 0xE1 && b0 <= 0xEC) n = 3;
  else if (b0 == 0xED) { n = 3; hi = 0x9F; }
  else if (b0 >= 0xEE && b0 <= 0xEF) n = 3;
  else if (b0 == 0xF0) { n = 4; lo = 0x90; }
  else if (b0 >= 0xF1 && b0 <= 0xF3) n = 4;
  else if (b0 == 0xF4) { n = 4; hi = 0x8F; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    const unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (b < l || b > h) return 0;
  }
  return n;
}

}  // namespace

std::expected<void, core::error> body_within(const inbound_request& req, std::size_t max_body) {
  if (req.body.size() > max_body)
    return std::unexpected(core::make_error(core::errc::payload_too_large, "body over options.max_body_bytes"));
  return {};
}

std::optional<std::int64_t> whole_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || !(v >= 0) || v > 9e15) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

std::expected<field_list, core::error> form_fields(const inbound_request& req, std::size_t max_fields,
                                                   std::size_t max_field_length) {
  const auto type = core::lower_ascii(req.content_type.substr(0, req.content_type.find(';')));
  std::string_view t = type;
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  if (t == "multipart/form-data")
    return web_form::parse_multipart(req.body, req.content_type, max_fields, max_field_length);
  if (t.empty() || t == "application/x-www-form-urlencoded")
    return web_form::parse_urlencoded(req.body, max_fields, max_field_length);
  return std::unexpected(core::make_error(core::errc::unsupported_media_type,
                                          "expected application/x-www-form-urlencoded or multipart/form-data"));
}

const std::string* find(const field_list& fields, std::string_view name) {
  for (const auto& [k, v] : fields)
    if (k == name) return &v;
  return nullptr;
}

std::string text(const field_list& fields, std::string_view name) {
  const auto* v = find(fields, name);
  return v ? *v : std::string{};
}

std::string utf8_clean(std::string_view s, std::size_t max_bytes) {
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  for (std::size_t i = 0; i < s.size();) {
    const auto n = utf8_seq_len(s, i);
    const std::string_view piece = n ? s.substr(i, n) : replacement;
    if (out.size() + piece.size() > max_bytes) break;
    out.append(piece);
    i += n ? n : 1;
  }
  return out;
}

bool utf8_truncate(std::string& s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return false;
  std::size_t cut = max_bytes;
  // Step back over continuation bytes so the cut lands on a code point boundary.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return true;
}

bool valid_id(std::string_view id, std::size_t max_len) {
  if (id.empty() || id.size() > max_len) return false;
  return std::all_of(id.begin(), id.end(), [](char c) { return c > ' ' && c < 0x7F; });
}

std::optional<std::string> rfc3339_from_unix_ms(std::int64_t ms) {
  // 2000-01-01 .. 2100-01-01: anything else is a unit mistake or garbage, not a time.
  if (ms < 946'684'800'000LL || ms > 4'102'444'800'000LL) return std::nullopt;
  return core::rfc3339_from_unix_ms(ms);
}

void add_phone(core::contact_info& c, std::string_view raw) {
  if (raw.empty()) return;
  if (auto p = core::normalize_phone(raw)) {
    if (std::find(c.phones.begin(), c.phones.end(), *p) == c.phones.end()) c.phones.push_back(std::move(*p));
  } else {
    c.invalid_phones.push_back(utf8_clean(raw, 64));
  }
}

std::optional<std::string> reported_e164(std::string_view raw) {
  if (raw.empty()) return std::nullopt;
  auto r = core::normalize_reported_phone(raw);
  if (!r) return std::nullopt;
  return std::move(r->e164);
}

void add_reported_phone(core::contact_info& c, std::string_view raw) {
  if (raw.empty()) return;
  auto r = core::normalize_reported_phone(raw);  // bounded: longer than any number is refused
  if (!r) {
    c.invalid_phones.push_back(utf8_clean(raw, 64));
    return;
  }
  if (std::find(c.phones.begin(), c.phones.end(), r->e164) != c.phones.end()) return;
  if (!r->verified) c.unverified_phones.push_back(r->e164);
  c.phones.push_back(std::move(r->e164));
}

core::lead_event base_event(const config::source_config& src, const inbound_request& req, core::channel chan) {
  core::lead_event e;
  e.source = src.id;
  e.chan = chan;
  e.received_at = req.received_at;
  e.occurred_at = req.received_at;
  e.client.ip = req.remote_ip;
  e.client.user_agent = utf8_clean(req.user_agent, 512);
  return e;
}

namespace opt {

std::string options_path(const config::source_config& src, const std::string& path,
                         std::initializer_list<const char*> known) {
  auto p = path + ".options";
  only_keys(src.options, p, known);
  return p;
}

std::string string(const nlohmann::json& o, const std::string& path, const char* key, bool required,
                   std::string fallback) {
  const auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    if (required) throw config::config_error(path + "." + key + ": required");
    return fallback;
  }
  if (!it->is_string()) throw config::config_error(path + "." + key + ": must be a string");
  auto v = it->get<std::string>();
  if (required && v.empty()) throw config::config_error(path + "." + key + ": must not be empty");
  return v;
}

std::string secret(const nlohmann::json& o, const std::string& path, const char* key, bool required) {
  const auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    if (required) throw config::config_error(path + "." + key + ": required");
    return {};
  }
  auto v = config::resolve_secret(*it, path + "." + key);
  if (v.empty()) throw config::config_error(path + "." + key + ": must not be empty");
  return v;
}

std::size_t size(const nlohmann::json& o, const std::string& path, const char* key, std::size_t fallback,
                 std::size_t min, std::size_t max) {
  const auto it = o.find(key);
  if (it == o.end() || it->is_null()) return fallback;
  // Parsed JSON holds positive integers as unsigned, JSON built in code as signed: take both.
  const bool integral = it->is_number_unsigned() || (it->is_number_integer() && it->get<std::int64_t>() >= 0);
  if (!integral || it->get<std::uint64_t>() < min || it->get<std::uint64_t>() > max)
    throw config::config_error(path + "." + key + ": must be an integer in [" + std::to_string(min) + ", " +
                               std::to_string(max) + "]");
  return static_cast<std::size_t>(it->get<std::uint64_t>());
}

std::size_t max_body(const nlohmann::json& o, const std::string& path) {
  return size(o, path, "max_body_bytes", default_max_body_bytes, 256, 1 << 20);
}

void only_keys(const nlohmann::json& o, const std::string& path, std::initializer_list<const char*> known) {
  if (!o.is_object()) throw config::config_error(path + ": must be an object");
  for (const auto& [k, v] : o.items()) {
    const bool ok = std::any_of(known.begin(), known.end(), [&](const char* n) { return k == n; });
    if (!ok) throw config::config_error(path + "." + k + ": unknown option");
  }
}

}  // namespace opt
}  // namespace lg::adapters::hook
