// Admin API over contacts, as free functions the router calls:
//   GET /admin/v1/contacts/{id}                          -> the contact (aliases resolved) and
//                                                           its newest timeline entries
//   GET /admin/v1/contacts?phone=…|email=…|zalo=<oa>:<uid>|facebook=<page>:<psid>|q=<name>
//                                                        -> {"contacts":[…]} (no timelines)
// Exactly one lookup parameter per search. Phones and emails are normalized the way adapters
// do, so "0912 345 678" and "+84912345678" find the same contact; q is folded (no diacritics,
// lower case) and matched as a prefix of contact and learner names, at most `limit` (≤ 50).
// Errors come back as the project's JSON error body with the matching status.
#pragma once

#include "core/asio.hpp"
#include "store/redis_client.hpp"

#include <map>
#include <string>
#include <string_view>

namespace lg::gateway {

struct api_response {
  unsigned status = 200;
  std::string body;  // JSON
};

inline constexpr std::size_t contacts_search_max = 50;

// `timeline` is the ?timeline=N parameter (default 20, at most 200).
awaitable<api_response> handle_get_contact(store::redis_client& redis, std::string_view tenant,
                                           std::string_view id,
                                           const std::map<std::string, std::string>& query = {});

awaitable<api_response> handle_find_contacts(store::redis_client& redis, std::string_view tenant,
                                             const std::map<std::string, std::string>& query);

}  // namespace lg::gateway
