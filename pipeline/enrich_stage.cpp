// Enrichment behind the stream (see enrich_stage.hpp).
#include "pipeline/enrich_stage.hpp"

#include "core/normalize.hpp"
#include "store/contacts.hpp"

#include "logging/logging.hpp"

#include <algorithm>

namespace lg::pipeline {
namespace {

enrich_outcome retry_with(const provider_apis::api_error& e) {
  return {enrich_outcome::retry, std::string(to_string(e.kind)) + ": " + e.message};
}

enrich_outcome outcome_of(const provider_apis::api_error& e) {
  if (e.kind == provider_apis::failure::permanent) return {enrich_outcome::failed, e.message};
  return retry_with(e);
}

// Nothing (more) to fetch: the event goes on to resolution as it is.
enrich_outcome go_on(core::lead_event& e) {
  e.extra.erase("needs_fetch");
  return enrich_outcome{};
}

// A Page token comes from config and cannot be renewed here: an auth provider_apis::failure waits (the entry
// stays pending) until an operator replaces it, and says so in the log.
enrich_outcome graph_outcome(const provider_apis::graph::api_options& api, const provider_apis::api_error& e) {
  if (e.kind == provider_apis::failure::auth)
    logging::error("facebook Page token refused", {{"source", api.source}, {"reason", e.message}});
  return outcome_of(e);
}

void set_name(core::contact_info& c, std::string_view raw) {
  c.full_name = core::normalize_name(raw);
  auto parts = core::split_vietnamese_name(c.full_name);
  c.family_name = std::move(parts.family);
  c.given_name = std::move(parts.given);
}

// Provider text as stored: valid UTF-8, NFC, cut on a character boundary.
std::string bounded(std::string_view s, std::size_t limit = 512) {
  return core::is_valid_utf8(s) ? store::truncate_utf8(core::normalize_text(s), limit) : std::string();
}

void apply_profile(const provider_apis::zalo::profile& p, core::lead_event& e) {
  auto& c = e.contact;
  if (c.full_name.empty()) {
    std::string name = bounded(p.shared_name.empty() ? p.display_name : p.shared_name);
    if (!name.empty()) set_name(c, name);
  }
  if (!p.shared_phone.empty()) {
    if (auto phone = core::normalize_phone(p.shared_phone)) {
      if (std::find(c.phones.begin(), c.phones.end(), *phone) == c.phones.end()) c.phones.push_back(*phone);
    } else {
      c.invalid_phones.push_back(bounded(p.shared_phone, 64));
    }
  }
  if (c.address.empty()) c.address = bounded(p.shared_address);
  if (c.city.empty()) c.city = bounded(p.shared_city);
  if (auto d = bounded(p.shared_district); !d.empty()) e.extra.emplace("district", d);
  if (auto d = bounded(p.display_name); !d.empty()) e.extra["zalo_display_name"] = d;
}

}  // namespace

enrich_stage::enrich_stage(asio::any_io_executor ex, store::redis_client& redis,
                   std::shared_ptr<const provider_apis::api_settings> settings)
    : ex_(std::move(ex)), redis_(redis), settings_(std::move(settings)) {
  for (const auto& [id, api] : settings_->zalo) {
    provider_apis::zalo::token_manager_options to;
    to.tenant = settings_->tenant;
    tokens_.emplace(id, std::make_unique<provider_apis::zalo::token_manager>(redis_, client_for(api.ca_file), api, to));
  }
}

enrich_stage::~enrich_stage() = default;

net::http_client& enrich_stage::client_for(const std::string& ca_file) {
  auto& c = clients_[ca_file];
  if (!c) {
    net::http_client_options o;
    o.extra_ca_file = ca_file;
    o.max_idle_per_origin = 4;
    c = std::make_unique<net::http_client>(ex_, o);
  }
  return *c;
}

provider_apis::zalo::token_manager* enrich_stage::tokens(std::string_view source) {
  auto it = tokens_.find(source);
  return it == tokens_.end() ? nullptr : it->second.get();
}

awaitable<enrich_outcome> enrich_stage::async_enrich(core::lead_event& e) {
  auto marker = e.extra.find("needs_fetch");
  if (marker == e.extra.end()) co_return enrich_outcome{};
  enrich_outcome out;
  if (marker->second == "zalo_profile") {
    if (auto it = settings_->zalo.find(e.source); it != settings_->zalo.end()) out = co_await zalo_profile(e, it->second);
  } else if (marker->second == "facebook_lead") {
    if (auto it = settings_->facebook.find(e.source); it != settings_->facebook.end())
      out = co_await facebook_lead(e, it->second);
  } else if (marker->second == "facebook_profile") {
    if (auto it = settings_->facebook.find(e.source); it != settings_->facebook.end())
      out = co_await facebook_profile(e, it->second);
  }
  // Markers nobody handles here (a source without a Page token) stay on the event.
  if (out.status == enrich_outcome::retry) ++stats_.retries;
  if (out.status == enrich_outcome::failed) ++stats_.failures;
  co_return out;
}

awaitable<enrich_outcome> enrich_stage::zalo_profile(core::lead_event& e, const provider_apis::zalo::api_options& api) {
  auto uid = e.contact.ids.find("zalo");
  if (uid == e.contact.ids.end()) {
    co_return go_on(e);
  }
  auto& tokens = *tokens_.at(api.source);
  auto& http = client_for(api.ca_file);
  auto token = co_await tokens.async_access_token();
  if (!token) co_return retry_with(token.error());
  std::expected<provider_apis::zalo::profile, provider_apis::api_error> prof;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto req = provider_apis::api_get(provider_apis::zalo::profile_url(api, uid->second), api.timeout);
    req.headers.emplace_back("access_token", *token);
    auto res = co_await http.async_request(std::move(req));
    if (!res) co_return enrich_outcome{enrich_outcome::retry, "OA API: " + res.error().message};
    prof = provider_apis::zalo::parse_profile_reply(res->status, res->body);
    if (prof || prof.error().kind != provider_apis::failure::auth || attempt == 1) break;
    // The token was refused (-216): renew it once, then ask again.
    token = co_await tokens.async_renew(*token);
    if (!token) co_return retry_with(token.error());
  }
  if (!prof) co_return outcome_of(prof.error());
  apply_profile(*prof, e);
  co_return fetched(e);
}

awaitable<enrich_outcome> enrich_stage::facebook_lead(core::lead_event& e, const provider_apis::graph::api_options& api) {
  auto lead = e.contact.ids.find("facebook_lead");
  if (lead == e.contact.ids.end()) {
    co_return go_on(e);
  }
  std::string url = provider_apis::graph::lead_url(api, lead->second);
  auto res = co_await graph_get(api, std::move(url));
  if (!res) co_return res.error();
  auto j = provider_apis::graph::parse_reply(res->status, res->body);
  if (!j) co_return graph_outcome(api, j.error());
  if (!provider_apis::graph::apply_lead(*j, api, e)) co_return enrich_outcome{enrich_outcome::failed, "lead has no field_data"};
  co_return fetched(e);
}

awaitable<enrich_outcome> enrich_stage::facebook_profile(core::lead_event& e, const provider_apis::graph::api_options& api) {
  auto psid = e.contact.ids.find("facebook");
  // Nobody to ask about, or nothing to fill: the event already names the person.
  if (psid == e.contact.ids.end() || !e.contact.full_name.empty()) {
    co_return go_on(e);
  }
  std::string url = provider_apis::graph::profile_url(api, psid->second);
  auto res = co_await graph_get(api, std::move(url));
  if (!res) co_return res.error();
  auto prof = provider_apis::graph::parse_profile_reply(res->status, res->body);
  if (!prof && prof.error().kind == provider_apis::failure::permanent) {
    // Unlike a lead's field_data, the name is not what the touch is for: the message and the
    // PSID still make a lead. Graph refuses some profiles for good (a person who blocked the
    // Page, an app without profile access); quarantining every such touch would lose leads.
    logging::warn("no profile for a Messenger sender; resolved without a name", {{"source", api.source}, {"reason", prof.error().message}});
    co_return go_on(e);
  }
  if (!prof) co_return graph_outcome(api, prof.error());
  provider_apis::graph::apply_profile(*prof, e);
  co_return fetched(e);
}

awaitable<std::expected<net::http_response, enrich_outcome>> enrich_stage::graph_get(const provider_apis::graph::api_options& api,
                                                                                     std::string url) {
  auto req = provider_apis::api_get(std::move(url), api.timeout);
  // The token travels in a header, never in a URL that could end up in a log.
  req.headers.emplace_back("Authorization", "Bearer " + api.page_token);
  auto res = co_await client_for(api.ca_file).async_request(std::move(req));
  if (!res) co_return std::unexpected(enrich_outcome{enrich_outcome::retry, "Graph API: " + res.error().message});
  co_return std::move(*res);
}

enrich_outcome enrich_stage::fetched(core::lead_event& e) {
  ++stats_.fetched;
  return go_on(e);
}

}  // namespace lg::pipeline
