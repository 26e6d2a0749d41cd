// Meta webhook body → lead events. A delivery may batch several entries (pages) and several
// messaging[] / changes[] items per entry; each item is judged on its own so that one bad item
// never loses its neighbours. Messenger items become touches keyed by PSID per Page; a
// `leadgen` change becomes a Lead Ads event that names the lead to fetch from the Graph API
// behind the stream (the webhook itself carries no personal data).
#include "adapters/facebook/facebook.hpp"

#include "core/normalize.hpp"
#include "core/time_format.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace lg::adapters::facebook {
namespace {

using nlohmann::json;

constexpr std::size_t max_text = 4096;
constexpr std::size_t max_id = 128;

const json* member(const json* j, const char* key) {
  if (j == nullptr || !j->is_object()) return nullptr;
  auto it = j->find(key);
  return it == j->end() ? nullptr : &*it;
}

// Ids as text: Meta sends strings, but integers are read digit-exact (no double round trip).
std::optional<std::string> id_of(const json* v) {
  std::string t;
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) {
    t = v->get<std::string>();
  } else if (v->is_number_unsigned()) {
    t = std::to_string(v->get<std::uint64_t>());
  } else {
    return std::nullopt;
  }
  if (t.empty() || t.size() > max_id) return std::nullopt;
  for (char c : t) {
    if (static_cast<unsigned char>(c) <= ' ' || c == ':') return std::nullopt;
  }
  return t;
}

std::string text(const json* v, std::size_t limit = max_text) {
  if (v == nullptr || !v->is_string()) return {};
  const auto& s = v->get_ref<const std::string&>();
  if (!core::is_valid_utf8(s)) return {};
  std::string out = core::normalize_text(s);
  if (out.size() > limit) {
    out.resize(limit);
    while (!out.empty() && !core::is_valid_utf8(out)) out.pop_back();
  }
  return out;
}

// Epoch seconds or milliseconds (Messenger uses ms, Lead Ads s) → RFC 3339 with ms; empty if not sane.
std::string rfc3339(const json* v, bool millis) {
  if (v == nullptr || !v->is_number_unsigned()) return {};
  const std::uint64_t n = v->get<std::uint64_t>();
  const std::uint64_t ms = millis ? n : n * 1000;
  if (ms > 253402300799999ULL || (!millis && n > 253402300799ULL)) return {};  // past 9999-12-31
  return core::rfc3339_from_unix_ms(static_cast<std::int64_t>(ms)).value_or(std::string());
}

struct walker {
  const parse_context& ctx;
  adapter_output& out;
  std::vector<std::string> reasons;
  std::size_t bad = 0;
  std::size_t items = 0;

  void reject(const std::string& where, const std::string& why) {
    ++bad;
    if (reasons.size() < max_reasons) reasons.push_back(where + ": " + why);
  }

  core::lead_event base(core::channel c) const {
    core::lead_event e;
    e.chan = c;
    e.source = ctx.source;
    e.received_at = ctx.received_at;
    return e;
  }

  void messaging(const json& item, const std::string& page, const std::string& where) {
    const json* message = member(&item, "message");
    const json* postback = member(&item, "postback");
    if (message == nullptr && postback == nullptr) {
      ++out.ignored;  // delivery, read, optin, referral, reaction …: nothing to record
      return;
    }
    if (message != nullptr && !message->is_object()) return reject(where, "message is not an object");
    if (postback != nullptr && !postback->is_object()) return reject(where, "postback is not an object");
    if (auto echo = member(message, "is_echo"); echo != nullptr && echo->is_boolean() && echo->get<bool>()) {
      ++out.ignored;  // the Page's own message
      return;
    }
    auto psid = id_of(member(member(&item, "sender"), "id"));
    if (!psid) return reject(where, "sender.id is missing or not an id");
    std::string page_id = id_of(member(member(&item, "recipient"), "id")).value_or(page);
    const json* ts = member(&item, "timestamp");
    std::string ts_text = ts != nullptr && ts->is_number_unsigned() ? std::to_string(ts->get<std::uint64_t>()) : "";

    core::lead_event e = base(core::channel::facebook_messenger);
    e.occurred_at = rfc3339(ts, true);
    e.contact.ids["facebook"] = *psid;
    e.contact.ids["facebook_page"] = page_id;
    if (message != nullptr) {
      auto mid = id_of(member(message, "mid"));
      if (!mid && ts_text.empty()) return reject(where, "message has neither mid nor timestamp");
      e.event_id = mid ? "facebook:mid:" + *mid : "facebook:message:" + *psid + ":" + ts_text;
      e.message = text(member(message, "text"));
      if (auto qr = text(member(member(message, "quick_reply"), "payload"), 1000); !qr.empty()) {
        e.extra["fb_quick_reply"] = qr;
        // Messenger's phone quick reply (content_type user_phone_number) answers with the
        // number the person chose to share, in international form: an identity like a form's.
        if (qr.starts_with('+')) {
          if (auto phone = core::normalize_phone(qr)) e.contact.phones.push_back(*phone);
        }
      }
      if (e.message.empty()) {
        const json* atts = member(message, "attachments");
        if (atts != nullptr && atts->is_array() && !atts->empty()) {
          auto type = text(member(&(*atts)[0], "type"), 32);
          e.message = "[" + (type.empty() ? std::string("attachment") : type) + "]";
        }
      }
    } else {
      auto mid = id_of(member(postback, "mid"));
      if (!mid && ts_text.empty()) return reject(where, "postback has neither mid nor timestamp");
      e.event_id = mid ? "facebook:mid:" + *mid : "facebook:postback:" + *psid + ":" + ts_text;
      e.message = text(member(postback, "title"), 1000);
      if (auto payload = text(member(postback, "payload"), 1000); !payload.empty()) {
        e.extra["fb_postback_payload"] = payload;
      }
    }
    if (e.occurred_at.empty()) e.occurred_at = ctx.received_at;
    e.extra["needs_fetch"] = "facebook_profile";  // name from the Graph API, behind the stream
    out.events.push_back(std::move(e));
  }

  void change(const json& item, const std::string& page, const std::string& where) {
    auto field = member(&item, "field");
    if (field == nullptr || !field->is_string()) return reject(where, "field is missing");
    if (field->get_ref<const std::string&>() != "leadgen") {
      ++out.ignored;  // feed, mention, …: not a lead
      return;
    }
    const json* value = member(&item, "value");
    auto lead = id_of(member(value, "leadgen_id"));
    if (!lead) return reject(where, "value.leadgen_id is missing or not an id");
    core::lead_event e = base(core::channel::facebook_lead_ads);
    e.event_id = "facebook:lead:" + *lead;
    e.occurred_at = rfc3339(member(value, "created_time"), false);
    if (e.occurred_at.empty()) e.occurred_at = ctx.received_at;
    e.contact.ids["facebook_lead"] = *lead;
    e.contact.ids["facebook_page"] = id_of(member(value, "page_id")).value_or(page);
    auto put = [&](const char* key, const char* name) {
      if (auto v = id_of(member(value, name))) e.extra[key] = *v;
    };
    put("fb_form_id", "form_id");
    put("fb_ad_id", "ad_id");
    put("fb_adgroup_id", "adgroup_id");
    // The lead's field_data is read from GET /{leadgen_id} behind the stream.
    e.extra["needs_fetch"] = "facebook_lead";
    out.events.push_back(std::move(e));
  }

  // Walks one of entry.messaging / entry.changes with the item bound.
  template <class F>
  void each(const json& entry, const char* key, const std::string& where, F&& f) {
    const json* list = member(&entry, key);
    if (list == nullptr) return;
    if (!list->is_array()) return reject(where + "." + key, "is not an array");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string at = where + "." + key + "[" + std::to_string(i) + "]";
      if (++items > max_items) return reject(at, "more items than one delivery may hold");
      if (!(*list)[i].is_object()) {
        reject(at, "is not an object");
        continue;
      }
      f((*list)[i], at);
    }
  }
};

}  // namespace

adapter_output parse(std::string_view raw_body, const parse_context& ctx) {
  adapter_output out;
  auto j = json::parse(raw_body.begin(), raw_body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    out.quarantine_reason = "body is not a JSON object";
    return out;
  }
  const json* object = member(&j, "object");
  if (object == nullptr || !object->is_string() || object->get_ref<const std::string&>() != "page") {
    out.quarantine_reason = "object is not \"page\"";
    return out;
  }
  const json* entries = member(&j, "entry");
  if (entries == nullptr || !entries->is_array()) {
    out.quarantine_reason = "entry is missing or not an array";
    return out;
  }
  walker w{ctx, out, {}, 0, 0};
  for (std::size_t i = 0; i < entries->size() && w.items <= max_items; ++i) {
    const std::string where = "entry[" + std::to_string(i) + "]";
    const json& entry = (*entries)[i];
    auto page = id_of(member(&entry, "id"));
    if (!entry.is_object() || !page) {
      w.reject(where, "is not an object with an id");
      continue;
    }
    if (!ctx.page_ids.empty() && !ctx.page_ids.contains(*page)) {
      w.reject(where, "page " + *page + " is not configured for this source");
      continue;
    }
    w.each(entry, "messaging", where, [&](const json& item, const std::string& at) { w.messaging(item, *page, at); });
    w.each(entry, "changes", where, [&](const json& item, const std::string& at) { w.change(item, *page, at); });
  }
  if (w.bad > 0) {
    std::string reason;
    for (const auto& r : w.reasons) reason += (reason.empty() ? "" : "; ") + r;
    if (w.bad > w.reasons.size()) reason += "; and " + std::to_string(w.bad - w.reasons.size()) + " more";
    out.quarantine_reason = std::move(reason);
  }
  return out;
}

}  // namespace lg::adapters::facebook
