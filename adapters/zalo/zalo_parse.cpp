// Zalo event → lead event. One delivery holds one event (reference/channels.md §1.1):
// user_submit_info is a full contact, user_send_* / anonymous_send_text / follow / unfollow are
// touches, deliveries about the OA's own messages are ignored. Ids stay strings throughout.
#include "adapters/zalo/zalo.hpp"
#include "adapters/zalo/zalo_json.hpp"

#include "core/normalize.hpp"
#include "core/time_format.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <string_view>

namespace lg::adapters::zalo {
namespace {

using detail::member;
using detail::text_of;
using nlohmann::json;

constexpr std::size_t max_text = 4096;     // message text kept on the event
constexpr std::size_t max_field = 512;     // a name, an address, a city
constexpr std::size_t max_id = 128;

// "1717000000000" (epoch ms) → "2024-05-29T16:26:40.000Z"; empty when it is not a sane time.
std::string rfc3339_from_ms(std::string_view ms_text) {
  if (ms_text.empty() || ms_text.size() > 15) return {};
  long long ms = 0;
  for (char c : ms_text) {
    if (c < '0' || c > '9') return {};
    ms = ms * 10 + (c - '0');
  }
  return core::rfc3339_from_unix_ms(ms).value_or(std::string());
}

// A bounded, NFC-normalized string field, or empty.
std::string field_text(const json* v, std::size_t limit = max_field) {
  auto t = text_of(v);
  if (!t || !core::is_valid_utf8(*t)) return {};
  std::string out = core::normalize_text(*t);
  if (out.size() > limit) {
    out.resize(limit);
    while (!out.empty() && !core::is_valid_utf8(out)) out.pop_back();  // do not cut a character
  }
  return out;
}

std::optional<std::string> id_of(const json* v) {
  auto t = text_of(v);
  if (!t || t->empty() || t->size() > max_id) return std::nullopt;
  for (char c : *t) {
    if (static_cast<unsigned char>(c) <= ' ' || c == ':') return std::nullopt;  // ':' would split keys
  }
  return t;
}

void set_name(core::contact_info& c, std::string_view raw) {
  c.full_name = core::normalize_name(raw);
  auto parts = core::split_vietnamese_name(c.full_name);
  c.family_name = std::move(parts.family);
  c.given_name = std::move(parts.given);
}

void add_phone(core::contact_info& c, const std::string& raw) {
  if (raw.empty()) return;
  if (auto p = core::normalize_phone(raw)) {
    c.phones.push_back(*p);
  } else {
    c.invalid_phones.push_back(raw);
  }
}

// Both info shapes: flat {name, phone, address, city, district, ward} and nested
// {name, phone, user_dob, gender, full_address{user_city, user_ward, user_address}}.
void read_info(const json* info, core::lead_event& e) {
  auto& c = e.contact;
  if (auto n = field_text(member(info, "name")); !n.empty()) set_name(c, n);
  add_phone(c, field_text(member(info, "phone")));
  c.address = field_text(member(info, "address"));
  c.city = field_text(member(info, "city"));
  const json* full = member(info, "full_address");
  if (c.address.empty()) c.address = field_text(member(full, "user_address"));
  if (c.city.empty()) c.city = field_text(member(full, "user_city"));
  auto put = [&](const char* key, std::string v) {
    if (!v.empty()) e.extra[key] = std::move(v);
  };
  put("district", field_text(member(info, "district")));
  put("district", field_text(member(full, "user_district")));
  put("ward", field_text(member(info, "ward")));
  put("ward", field_text(member(full, "user_ward")));
  put("date_of_birth", field_text(member(info, "user_dob")));
  put("gender", field_text(member(info, "gender")));
}

// The short text a non-text message leaves on the timeline: "[image]", "[location] 21.0,105.8".
std::string message_text(std::string_view event_name, const json* message) {
  std::string text = field_text(member(message, "text"), max_text);
  if (!text.empty() || event_name == "user_send_text" || event_name == "anonymous_send_text") {
    return text;
  }
  std::string kind(event_name.substr(std::string_view("user_send_").size()));
  std::string out = "[" + kind + "]";
  const json* atts = member(message, "attachments");
  const json* first = atts != nullptr && atts->is_array() && !atts->empty() ? &(*atts)[0] : nullptr;
  const json* payload = member(first, "payload");
  if (kind == "location") {
    const json* coords = member(payload, "coordinates");
    auto lat = member(coords, "latitude");
    auto lon = member(coords, "longitude");
    if (lat != nullptr && lon != nullptr && lat->is_number() && lon->is_number()) {
      std::array<char, 64> buf{};
      std::snprintf(buf.data(), buf.size(), " %.6f,%.6f", lat->get<double>(), lon->get<double>());
      out += buf.data();
    }
  } else if (auto url = field_text(member(payload, "url"), 1024); !url.empty()) {
    out += " " + url;
  }
  return out;
}

}  // namespace

adapter_output parse(std::string_view raw_body, const parse_context& ctx) {
  adapter_output out;
  auto j = json::parse(raw_body.begin(), raw_body.end(), nullptr, false);
  if (j.is_discarded()) {
    out.quarantine_reason = "body is not JSON";
    return out;
  }
  if (!j.is_object()) {
    out.quarantine_reason = "body is not a JSON object";
    return out;
  }
  const json* name_j = member(&j, "event_name");
  auto name_v = name_j != nullptr && name_j->is_string() ? text_of(name_j) : std::nullopt;
  if (!name_v || name_v->empty() || name_v->size() > 64) {
    out.quarantine_reason = "event_name is missing or not a string";
    return out;
  }
  const std::string& name = *name_v;
  const bool submit = name == "user_submit_info";
  const bool user_msg = name.starts_with("user_send_") || name == "anonymous_send_text";
  const bool follow = name == "follow" || name == "unfollow";
  if (!submit && !user_msg && !follow) {
    // Known OA-side deliveries and events we do not know yet: authentic, nothing to record.
    ++out.ignored;
    return out;
  }

  const json* message = member(&j, "message");
  auto sender = id_of(follow ? member(&j, "follower", "id") : member(&j, "sender", "id"));
  if (!sender) {
    out.quarantine_reason = name + (follow ? ": follower.id" : ": sender.id") + " is missing or not an id";
    return out;
  }
  auto timestamp = text_of(member(&j, "timestamp")).value_or("");
  auto msg_id = id_of(member(message, "msg_id"));

  core::lead_event e;
  e.chan = core::channel::zalo;
  e.source = ctx.source;
  e.received_at = ctx.received_at;
  e.occurred_at = rfc3339_from_ms(timestamp);
  if (e.occurred_at.empty()) e.occurred_at = ctx.received_at;
  if (msg_id) {
    e.event_id = "zalo:msg:" + *msg_id;
  } else {
    if (timestamp.empty() || timestamp.size() > 32) {
      out.quarantine_reason = name + ": neither message.msg_id nor timestamp to key the event";
      return out;
    }
    e.event_id = "zalo:" + name + ":" + *sender + ":" + timestamp;
  }
  e.extra["zalo_event"] = name;

  // The OA scopes the user id (core/identity.hpp): recipient of user_* events, oa_id of follows.
  std::optional<std::string> oa = id_of(follow ? member(&j, "oa_id") : member(&j, "recipient", "id"));
  if (!oa) oa = id_of(member(&j, "oa_id"));
  if (!oa && !ctx.default_oa.empty()) oa = ctx.default_oa;

  if (name == "anonymous_send_text") {
    // An anonymous visitor's id is per conversation, not a person: kept, never an identity.
    e.extra["zalo_anonymous_id"] = *sender;
  } else {
    e.contact.ids["zalo"] = *sender;
    if (oa) e.contact.ids["zalo_oa"] = *oa;
  }
  if (auto by_app = id_of(member(&j, "user_id_by_app"))) e.extra["zalo_user_id_by_app"] = *by_app;

  if (submit) {
    read_info(member(&j, "info"), e);
  } else if (user_msg) {
    e.message = message_text(name, message);
    if (auto quote = id_of(member(message, "quote_msg_id"))) e.extra["zalo_quote_msg_id"] = *quote;
  } else if (auto src = field_text(member(&j, "source"), 64); !src.empty()) {
    e.extra["zalo_follow_source"] = src;
  }
  // A touch that carries only a user id is completed later from the OA API (display name,
  // shared phone), behind the stream; this marker asks for it.
  if (e.contact.ids.contains("zalo") && e.contact.phones.empty()) e.extra["needs_fetch"] = "zalo_profile";
  out.events.push_back(std::move(e));
  return out;
}

}  // namespace lg::adapters::zalo
