// parse_form: one form post -> one lead event. Picks the body parser by Content-Type, maps
// and normalizes the fields, enforces the source's required fields and derives the event id
// from the normalized content, so a double-clicked submit is one lead.
#include "core/digest.hpp"
#include "adapters/web_form/field_collector.hpp"
#include "adapters/web_form/field_mapper.hpp"
#include "adapters/web_form/header_params.hpp"
#include "core/normalize.hpp"

#include <algorithm>

namespace lg::adapters::web_form {

using core::errc;
using core::make_error;

namespace {

std::unexpected<core::error> unsupported(std::string message) {
  return std::unexpected(make_error(errc::unsupported_media_type, std::move(message), "content-type"));
}

bool utf8_charset(const detail::header_value& ct) {
  const auto cs = ct.param("charset");
  if (!cs) return true;
  const auto v = detail::lower_ascii(*cs);
  return v == "utf-8" || v == "utf8" || v == "us-ascii";
}

std::expected<field_list, core::error> parse_body(const config::source_config& src, const inbound_request& req) {
  const auto ct = detail::parse_header_value(req.content_type);
  if (!ct || ct->value.empty()) return unsupported("a Content-Type is required");
  const auto& type = ct->value;
  const bool json = type == "application/json" || type == "text/json" ||
                    (type.starts_with("application/") && type.ends_with("+json"));
  if (type == "application/x-www-form-urlencoded" || json) {
    if (!utf8_charset(*ct)) return unsupported("charset '" + *ct->param("charset") + "' is not supported (UTF-8 only)");
    return json ? parse_json(req.body, src.max_fields, src.max_field_length)
                : parse_urlencoded(req.body, src.max_fields, src.max_field_length);
  }
  if (type == "multipart/form-data")
    return parse_multipart(req.body, req.content_type, src.max_fields, src.max_field_length);
  return unsupported("unsupported Content-Type '" + detail::printable_name(type) +
                     "' (use application/x-www-form-urlencoded, multipart/form-data or application/json)");
}

bool present(const core::lead_event& e, std::string_view target) {
  const auto& c = e.contact;
  const auto dot = target.find('.');
  if (dot != std::string_view::npos) {
    const std::string key(target.substr(dot + 1));
    const auto prefix = target.substr(0, dot);
    if (prefix == "interest") return e.interest.contains(key);
    if (prefix == "consent") return e.consent.contains(key) && e.consent.at(key);  // a ticked box
    return e.extra.contains(key);
  }
  if (target == "full_name") return !c.full_name.empty();
  if (target == "family_name") return !c.family_name.empty();
  if (target == "given_name") return !c.given_name.empty();
  if (target == "phone") return !c.phones.empty();
  if (target == "email") return !c.emails.empty();
  if (target == "city") return !c.city.empty();
  if (target == "address") return !c.address.empty();
  if (target == "message") return !e.message.empty();
  if (target == "page_url") return !e.campaign.page_url.empty();
  if (target == "referrer") return !e.campaign.referrer.empty();
  return e.campaign.utm.contains(std::string(target));
}

std::vector<std::string_view> alternatives(std::string_view entry) {
  std::vector<std::string_view> out;
  while (true) {
    const auto bar = entry.find('|');
    out.push_back(entry.substr(0, bar));
    if (bar == std::string_view::npos) return out;
    entry.remove_prefix(bar + 1);
  }
}

std::optional<core::error> check_required(const config::source_config& src, const core::lead_event& e,
                                          const detail::fill_outcome& fill) {
  for (const auto& entry : src.required) {
    const auto alts = alternatives(entry);
    if (std::any_of(alts.begin(), alts.end(), [&](std::string_view t) { return present(e, t); })) continue;
    // Something was typed but did not normalize: say why rather than "missing".
    for (const auto t : alts) {
      if (t == "phone" && fill.phone_error) return make_error(errc::invalid_field, fill.phone_error->message, "phone");
      if (t == "email" && fill.email_error) return make_error(errc::invalid_field, fill.email_error->message, "email");
    }
    std::string message = alts.size() == 1 ? "required field '" + std::string(alts[0]) + "' is missing"
                                           : "one of the fields ";
    if (alts.size() > 1) {
      for (std::size_t i = 0; i < alts.size(); ++i) message += (i ? ", '" : "'") + std::string(alts[i]) + "'";
      message += " is required";
    }
    return make_error(errc::missing_field, std::move(message), std::string(alts[0]));
  }
  return std::nullopt;
}

// Hex of the first 16 bytes of SHA-256 over length-prefixed parts (no ambiguity between
// "ab"+"c" and "a"+"bc").
std::string content_hash(const std::vector<std::string>& parts) {
  std::string input;
  for (const auto& p : parts) {
    input += std::to_string(p.size());
    input += ':';
    input += p;
  }
  return core::sha256_hex(input).substr(0, 32);
}

std::string event_id(const core::lead_event& e) {
  // What makes two posts the same submission: who (name, phones, emails, also the invalid
  // ones), what they asked (message, interest). Not the time, the IP or the campaign.
  std::vector<std::string> parts{e.source, e.contact.full_name};
  const auto add_sorted = [&](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    parts.push_back(std::to_string(v.size()));
    parts.insert(parts.end(), v.begin(), v.end());
  };
  add_sorted(e.contact.phones);
  add_sorted(e.contact.emails);
  add_sorted(e.contact.invalid_phones);
  add_sorted(e.contact.invalid_emails);
  parts.push_back(e.message);
  for (const auto& [k, v] : e.interest) {
    parts.push_back(k);
    parts.push_back(v);
  }
  return "web_form:" + content_hash(parts);
}

// utm_* parameters carried in the page URL's query, for forms that do not copy them into fields.
void utm_from_page_url(core::lead_event& e) {
  const auto& url = e.campaign.page_url;
  const auto q = url.find('?');
  if (q == std::string::npos) return;
  auto query = std::string_view(url).substr(q + 1);
  query = query.substr(0, query.find('#'));
  for (const auto* key : {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}) {
    if (e.campaign.utm.contains(key)) continue;
    auto v = detail::query_param(query, key);
    if (v && !v->empty() && v->size() <= 256 && core::is_valid_utf8(*v)) e.campaign.utm[key] = core::normalize_text(*v);
  }
}

}  // namespace

std::expected<form_result, core::error> parse_form(const config::source_config& src, const inbound_request& req) {
  return parse_form(src, field_mapping(src), req);
}

std::expected<form_result, core::error> parse_form(const config::source_config& src, const field_mapping& mapping,
                                                   const inbound_request& req) {
  auto fields = parse_body(src, req);
  if (!fields) return std::unexpected(std::move(fields.error()));
  const auto mapped = detail::map_fields(mapping, *fields);

  form_result result;
  auto& e = result.event;
  e.source = src.id;
  e.chan = core::channel_from_string(src.channel).value_or(core::channel::web_form);
  e.received_at = req.received_at;
  e.occurred_at = req.received_at;
  e.client.ip = req.remote_ip;
  e.client.user_agent = req.user_agent;
  if (mapped.honeypot) {
    // A bot filled the hidden field: the caller answers as if accepted and keeps nothing.
    result.honeypot = true;
    return result;
  }

  const auto fill = detail::fill_event(mapped, e);
  // A browser's Referer on a form post is the page that holds the form, not where the
  // visitor came from, so it can only stand in for page_url.
  if (e.campaign.page_url.empty()) {
    if (const auto ref = req.header("referer"); ref && ref->size() <= 2048 && core::is_valid_utf8(*ref))
      e.campaign.page_url = std::string(detail::trim(*ref));
  }
  utm_from_page_url(e);

  if (auto err = check_required(src, e, fill)) return std::unexpected(std::move(*err));
  e.event_id = event_id(e);
  return result;
}

}  // namespace lg::adapters::web_form
