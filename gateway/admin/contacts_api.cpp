// Admin API over contacts (see contacts_api.hpp).
#include "gateway/admin/contacts_api.hpp"
#include "core/json_text.hpp"

#include "core/error.hpp"
#include "core/normalize.hpp"
#include "gateway/query.hpp"
#include "store/contacts.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace lg::gateway {
namespace {

api_response error_response(const core::error& e) {
  return {core::http_status(e.code), e.to_json()};
}

api_response bad(std::string message, std::string field) {
  return error_response(core::make_error(core::errc::invalid_field, std::move(message), std::move(field)));
}

// Contact ids are "c_<n>"; anything else cannot name one (and must not reach a key name).
bool plausible_id(std::string_view id) {
  if (id.size() < 3 || id.size() > 24 || !id.starts_with("c_")) return false;
  return std::all_of(id.begin() + 2, id.end(), [](char c) { return c >= '0' && c <= '9'; });
}


// A channel id written "<scope>:<id>", both parts non-empty printable ASCII.
bool scoped_id(std::string_view v) {
  auto colon = v.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == v.size() || v.size() > 260)
    return false;
  return std::all_of(v.begin(), v.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

}  // namespace

awaitable<api_response> handle_get_contact(store::redis_client& redis, std::string_view tenant,
                                           std::string_view id,
                                           const std::map<std::string, std::string>& query) {
  if (!plausible_id(id))
    co_return error_response(core::make_error(core::errc::not_found, "no such contact", "id"));
  auto limit = number_param(query, "timeline", 20, 0, 200);
  if (!limit) co_return error_response(limit.error());
  auto got = co_await store::async_get_contact(redis, tenant, id, *limit);
  if (!got) co_return error_response(got.error());
  if (!*got) co_return error_response(core::make_error(core::errc::not_found, "no such contact", "id"));
  co_return api_response{200, core::json_text(**got)};
}

awaitable<api_response> handle_find_contacts(store::redis_client& redis, std::string_view tenant,
                                             const std::map<std::string, std::string>& query) {
  static constexpr const char* lookups[] = {"phone", "email", "zalo", "facebook", "q"};
  std::string by, value;
  for (const char* name : lookups) {
    auto it = query.find(name);
    if (it == query.end()) continue;
    if (!by.empty()) co_return bad("give one of phone, email, zalo, facebook, q", name);
    by = name;
    value = it->second;
  }
  if (by.empty())
    co_return error_response(core::make_error(core::errc::missing_field,
                                              "give one of phone, email, zalo, facebook, q", "q"));
  auto limit = number_param(query, "limit", contacts_search_max, 0, contacts_search_max);
  if (!limit) co_return error_response(limit.error());

  std::vector<std::string> ids;
  if (by == "q") {
    std::string folded = core::fold_text(value);
    if (folded.size() < 2) co_return bad("q needs at least 2 letters", "q");
    auto found = co_await store::async_find_by_name(redis, tenant, folded, *limit);
    if (!found) co_return error_response(found.error());
    ids = std::move(*found);
  } else {
    std::string key;
    if (by == "phone") {
      // A caller ID the phone metadata does not know is an identity too (unverified): the
      // lookup reads numbers the way a provider's report is read.
      auto p = core::normalize_reported_phone(value);
      if (!p) co_return bad(p.error().message, "phone");
      key = "phone:" + p->e164;
    } else if (by == "email") {
      auto m = core::normalize_email(value);
      if (!m) co_return bad(m.error().message, "email");
      key = "email:" + core::email_match_key(*m);
    } else {
      if (!scoped_id(value)) co_return bad(by + " must be written <scope>:<id>", by);
      key = (by == "zalo" ? "zalo:" : "fb:") + value;
    }
    auto found = co_await store::async_find_by_key(redis, tenant, key);
    if (!found) co_return error_response(found.error());
    if (*found) ids.push_back(std::move(**found));
  }

  nlohmann::json list = nlohmann::json::array();
  for (const auto& id : ids) {
    auto c = co_await store::async_get_contact(redis, tenant, id, 0);
    if (!c) co_return error_response(c.error());
    if (!*c) continue;  // merged away between the index read and now
    (**c).erase("timeline");
    list.push_back(std::move(**c));
  }
  nlohmann::json body = {{"contacts", std::move(list)}};
  co_return api_response{200, core::json_text(body)};
}

}  // namespace lg::gateway
