// Two-way sync state of a CRM destination in Redis (store/lua/sync_apply.lua): which CRM record
// a contact is, what leadgate last wrote to it (echo suppression), the pull cursor with the ids
// already taken at its second (ties), and the apply of one pulled record. Keys in store/KEYS.md
// ("Two-way sync").
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace lg::store {

namespace sync_keys {
std::string state(std::string_view tenant, std::string_view dest);         // lg:{t}:sync:<d>
std::string ties(std::string_view tenant, std::string_view dest);          // lg:{t}:sync:<d>:ties
std::string record_ids(std::string_view tenant, std::string_view dest);    // lg:{t}:sync:<d>:ids
std::string fingerprints(std::string_view tenant, std::string_view dest);  // lg:{t}:sync:<d>:fp
std::string leads(std::string_view tenant, std::string_view dest);         // lg:{t}:sync:<d>:lead
std::string owned(std::string_view tenant, std::string_view dest);         // lg:{t}:sync:<d>:own
// The identity key of a CRM record: ext:<d>:<record id>.
std::string external_key(std::string_view dest, std::string_view record_id);
}  // namespace sync_keys

// What leadgate wrote to a CRM record, recorded once the CRM accepted it.
struct sync_link {
  std::string contact_id;
  std::string record_id;
  std::string fingerprint;    // of the record as the CRM answered the write
  std::string event_id;       // the lead (assignment record) the write was about; may be empty
  std::string modified_user;  // the CRM's modified_user_id of the write: the integration user
  std::string owned;          // JSON object: CRM-owned field → what leadgate last wrote there
};

// A contact's record at a destination: its id and what leadgate last wrote to its CRM-owned
// fields (a JSON object, "{}" when nothing).
struct sync_record {
  std::string id;
  std::string owned = "{}";
};

// One record as pulled from the CRM.
struct pulled_record {
  std::string record_id;
  std::int64_t modified_s = 0;   // date_modified, epoch seconds
  std::string modified_raw;      // date_modified as the CRM wrote it (the next query's cursor)
  std::string modified_user;
  std::string fingerprint;
  std::string status;
  std::string assigned_user;
  bool deleted = false;  // deleted in the CRM (pulled with deleted=true)
};

struct sync_verdict {
  std::string verdict;  // old | dup | echo | unknown | same | change | deleted (see sync_apply.lua)
  std::string contact_id;
  std::string event_id;
  bool closing = false;  // the lead ends: the status became Converted or Dead, or the record was deleted
  std::string moved_to;  // apply: the member the open lead moved to (reassigned in the CRM)
};

struct sync_cursor {
  std::int64_t epoch_s = -1;  // -1: never pulled
  std::string raw;
};

awaitable<std::expected<void, core::error>> async_sync_link(redis_client& redis, std::string tenant,
                                                            std::string dest, sync_link link);

// The CRM record of a contact at `dest`, nullopt when leadgate never wrote it.
awaitable<std::expected<std::optional<sync_record>, core::error>> async_sync_record(redis_client& redis,
                                                                                     std::string tenant,
                                                                                     std::string dest,
                                                                                     std::string contact_id);

// apply=false only reads (what apply would do); apply=true writes the record's effect and moves
// the cursor in the same call.
awaitable<std::expected<sync_verdict, core::error>> async_sync_pulled(redis_client& redis, std::string tenant,
                                                                      std::string dest, pulled_record rec,
                                                                      bool apply, std::int64_t now_s,
                                                                      std::size_t timeline_cap);

awaitable<std::expected<sync_cursor, core::error>> async_sync_cursor(redis_client& redis, std::string tenant,
                                                                     std::string dest);

// A change notification asks the destination's poller (in whichever process) to pull now.
awaitable<std::expected<void, core::error>> async_sync_poke(redis_client& redis, std::string tenant, std::string dest);
// Takes the poke: true when one was waiting.
awaitable<std::expected<bool, core::error>> async_sync_take_poke(redis_client& redis, std::string tenant,
                                                                std::string dest);

}  // namespace lg::store
