// Validation and normalization of partner leads, one item at a time. Partners get strict
// answers (an unknown field or a bad phone is an error naming its path) because a system can
// fix its mapping; a person typing into a form cannot, which is why forms are lenient instead.
#include "adapters/partner_api/partner_api.hpp"

#include "core/digest.hpp"
#include "core/normalize.hpp"

#include <algorithm>
#include <set>

namespace lg::adapters::partner_api {
namespace {

using core::errc;
using core::error;
using core::make_error;
using nlohmann::json;

constexpr std::size_t max_string = 4096;
constexpr std::size_t max_short = 512;
constexpr std::size_t max_list = 5;
constexpr std::size_t max_map = 50;

struct item_parser {
  const parse_context& ctx;
  std::string prefix;  // "leads[3]." or ""
  core::lead_event e;

  error fail(errc c, std::string msg, const std::string& field) const {
    if (field.empty()) return make_error(c, std::move(msg), prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1));
    return make_error(c, std::move(msg), prefix + field);
  }

  std::expected<std::string, error> string(const json& v, const std::string& field,
                                           std::size_t limit = max_short) const {
    if (!v.is_string()) return std::unexpected(fail(errc::invalid_field, "must be a string", field));
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() > limit) {
      return std::unexpected(fail(errc::invalid_field, "longer than " + std::to_string(limit) + " bytes", field));
    }
    return core::normalize_text(s);
  }

  // A string or an array of strings ("phone" or "phones").
  std::expected<std::vector<std::string>, error> list(const json& v, const std::string& field) const {
    std::vector<std::string> out;
    if (v.is_string()) {
      out.push_back(v.get<std::string>());
      return out;
    }
    if (!v.is_array()) return std::unexpected(fail(errc::invalid_field, "must be a string or an array of strings", field));
    if (v.size() > max_list) return std::unexpected(fail(errc::invalid_field, "more than " + std::to_string(max_list) + " values", field));
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto s = string(v[i], field + "[" + std::to_string(i) + "]");
      if (!s) return std::unexpected(s.error());
      out.push_back(*s);
    }
    return out;
  }

  // Each value of a string-or-list field through `normalize` into `out`, without duplicates; a
  // value that does not normalize is an error naming its path.
  template <class Normalize>
  std::expected<void, error> normalized_list(const json& v, const std::string& field, Normalize normalize,
                                             std::vector<std::string>& out) const {
    auto l = list(v, field);
    if (!l) return std::unexpected(l.error());
    for (std::size_t i = 0; i < l->size(); ++i) {
      auto n = normalize((*l)[i]);
      if (!n) {
        return std::unexpected(
            fail(errc::invalid_field, n.error().message, v.is_array() ? field + "[" + std::to_string(i) + "]" : field));
      }
      if (std::find(out.begin(), out.end(), *n) == out.end()) out.push_back(*n);
    }
    return {};
  }

  std::expected<void, error> string_map(const json& v, const std::string& field,
                                        std::map<std::string, std::string>& out) const {
    if (!v.is_object()) return std::unexpected(fail(errc::invalid_field, "must be an object of strings", field));
    if (v.size() > max_map) return std::unexpected(fail(errc::invalid_field, "more than " + std::to_string(max_map) + " entries", field));
    for (const auto& [k, val] : v.items()) {
      if (k.empty() || k.size() > 64) return std::unexpected(fail(errc::invalid_field, "keys must be 1..64 bytes", field));
      auto s = string(val, field + "." + k);
      if (!s) return std::unexpected(s.error());
      if (!s->empty()) out[k] = std::move(*s);
    }
    return {};
  }

  std::expected<void, error> contact(const json& c) {
    if (!c.is_object()) return std::unexpected(fail(errc::invalid_field, "must be an object", "contact"));
    auto& out = e.contact;
    for (const auto& [k, v] : c.items()) {
      const std::string f = "contact." + k;
      if (k == "full_name") {
        auto s = string(v, f);
        if (!s) return std::unexpected(s.error());
        out.full_name = core::normalize_name(*s);
        auto parts = core::split_vietnamese_name(out.full_name);
        out.family_name = std::move(parts.family);
        out.given_name = std::move(parts.given);
      } else if (k == "phone" || k == "phones") {
        auto ok = normalized_list(v, f, [](const std::string& s) { return core::normalize_phone(s); }, out.phones);
        if (!ok) return ok;
      } else if (k == "email" || k == "emails") {
        auto ok = normalized_list(v, f, [](const std::string& s) { return core::normalize_email(s); }, out.emails);
        if (!ok) return ok;
      } else if (k == "city" || k == "address") {
        auto s = string(v, f);
        if (!s) return std::unexpected(s.error());
        (k == "city" ? out.city : out.address) = *s;
      } else {
        return std::unexpected(fail(errc::invalid_field, "unknown field", f));
      }
    }
    if (out.phones.empty() && out.emails.empty()) {
      return std::unexpected(fail(errc::missing_field, "a lead needs a phone or an email", "contact.phone"));
    }
    return {};
  }

  std::expected<void, error> campaign(const json& c) {
    static const std::set<std::string> utm{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"};
    if (!c.is_object()) return std::unexpected(fail(errc::invalid_field, "must be an object", "campaign"));
    for (const auto& [k, v] : c.items()) {
      const std::string f = "campaign." + k;
      if (!utm.contains(k) && k != "page_url" && k != "referrer") {
        return std::unexpected(fail(errc::invalid_field, "unknown field", f));
      }
      auto s = string(v, f, 2048);
      if (!s) return std::unexpected(s.error());
      if (k == "page_url") e.campaign.page_url = *s;
      else if (k == "referrer") e.campaign.referrer = *s;
      else if (!s->empty()) e.campaign.utm[k] = *s;
    }
    return {};
  }

  static bool looks_like_rfc3339(std::string_view s) {
    // YYYY-MM-DDTHH:MM:SS then fraction / zone; the shape is checked, the store keeps the text.
    if (s.size() < 20 || s.size() > 35) return false;
    static constexpr std::string_view shape = "dddd-dd-ddTdd:dd:dd";
    for (std::size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i]) return false;
    }
    return s.back() == 'Z' || s[s.size() - 3] == ':';
  }

  std::expected<void, error> item(const json& j, std::size_t index) {
    if (!j.is_object()) return std::unexpected(fail(errc::invalid_field, "a lead must be an object", ""));
    std::string external_id;
    bool has_contact = false;
    for (const auto& [k, v] : j.items()) {
      std::expected<void, error> r;
      if (k == "contact") {
        has_contact = true;
        r = contact(v);
      } else if (k == "campaign") {
        r = campaign(v);
      } else if (k == "interest") {
        r = string_map(v, k, e.interest);
      } else if (k == "extra") {
        r = string_map(v, k, e.extra);
      } else if (k == "message") {
        auto s = string(v, k, max_string);
        if (s) e.message = *s; else r = std::unexpected(s.error());
      } else if (k == "external_id") {
        auto s = string(v, k, 128);
        if (!s) return std::unexpected(s.error());
        if (s->empty()) return std::unexpected(fail(errc::invalid_field, "must not be empty", k));
        external_id = *s;
      } else if (k == "occurred_at") {
        if (!v.is_string() || !looks_like_rfc3339(v.get_ref<const std::string&>())) {
          return std::unexpected(fail(errc::invalid_field, "must be an RFC 3339 time", k));
        }
        e.occurred_at = v.get<std::string>();
      } else if (k == "consent") {
        if (!v.is_object() || v.size() > max_map) return std::unexpected(fail(errc::invalid_field, "must be an object of booleans", k));
        for (const auto& [ck, cv] : v.items()) {
          if (!cv.is_boolean()) return std::unexpected(fail(errc::invalid_field, "must be a boolean", k + "." + ck));
          e.consent[ck] = cv.get<bool>();
        }
      } else {
        r = std::unexpected(fail(errc::invalid_field, "unknown field", k));
      }
      if (!r) return r;
    }
    if (!has_contact) return std::unexpected(fail(errc::missing_field, "a lead needs a contact", "contact"));

    e.chan = core::channel::api;
    e.source = ctx.source;
    e.received_at = ctx.received_at;
    if (e.occurred_at.empty()) e.occurred_at = ctx.received_at;
    e.client.ip = ctx.client_ip;
    e.client.user_agent = ctx.user_agent;
    if (!external_id.empty()) {
      // The partner's own id makes a retried post the same event, whatever the Idempotency-Key.
      e.event_id = "api:ext:" + ctx.source + ":" + external_id;
      e.extra["external_id"] = external_id;
    } else {
      const std::string material = ctx.source + "\n" + ctx.received_at + "\n" + std::to_string(index) + "\n" + j.dump();
      e.event_id = "api:req:" + core::sha256_hex(material).substr(0, 32);
    }
    return {};
  }
};

}  // namespace

std::expected<parse_result, core::error> parse(std::string_view raw_body, const parse_context& ctx) {
  auto j = json::parse(raw_body.begin(), raw_body.end(), nullptr, false);
  if (j.is_discarded()) return std::unexpected(make_error(errc::bad_request, "body is not valid JSON (UTF-8)"));
  if (!j.is_object()) return std::unexpected(make_error(errc::bad_request, "body must be a lead object or {\"leads\":[…]}"));
  parse_result out;
  auto run = [&](const json& item, std::size_t index, std::string prefix) {
    item_parser p{ctx, std::move(prefix), {}};
    item_result r;
    if (auto ok = p.item(item, index)) r.event = std::move(p.e); else r.error = ok.error();
    out.items.push_back(std::move(r));
  };
  if (auto it = j.find("leads"); it != j.end()) {
    if (!it->is_array()) return std::unexpected(make_error(errc::invalid_field, "must be an array", "leads"));
    if (it->empty()) return std::unexpected(make_error(errc::missing_field, "the batch is empty", "leads"));
    if (it->size() > max_batch) {
      return std::unexpected(make_error(errc::invalid_field, "a batch holds at most " + std::to_string(max_batch) + " leads", "leads"));
    }
    if (j.size() != 1) return std::unexpected(make_error(errc::invalid_field, "a batch has only \"leads\"", "leads"));
    out.batch = true;
    out.items.reserve(it->size());
    for (std::size_t i = 0; i < it->size(); ++i) run((*it)[i], i, "leads[" + std::to_string(i) + "].");
  } else {
    run(j, 0, "");
  }
  return out;
}

}  // namespace lg::adapters::partner_api
