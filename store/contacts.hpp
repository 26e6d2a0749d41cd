// The contact repository: identity resolution of a lead event in one Lua call
// (store/lua/resolve.lua), and reading contacts back for the admin API.
//
// Keys (all under lg:{t}:, so one script may touch them together; store/KEYS.md has the rows):
//   kx:<bucket>         HASH   identity key -> contact number n (of c_<n>); bucket =
//                              identity_bucket(key, identity_buckets); small, listpack-encoded
//   seq:contact         counter of c_<n>
//   c:<id>              HASH   the contact (small fields, listpack-encoded; see resolve.lua),
//                              including its first timeline touch while it has only one
//   alias:<old id>      STRING the surviving id of a merged contact (always a lower id)
//   tl:<id>             LIST   timeline from the second touch on, newest first, capped (JSON)
//   names               ZSET   "<folded name>\0<id>" members, score 0, for prefix search
//   done:<event id>     STRING result of a resolved event; TTL; deleted after XACK
//
// The timeline is a capped LIST rather than a stream: Redis 7.0 preallocates a 4 KB listpack
// for a stream's first node, so a per-contact stream would cost ~4.7 KB per contact against a
// goal of < 1 KB; and most contacts have one touch, kept in their hash (a list of one entry
// costs ~250 bytes). The identity index lives in bucketed hashes rather than one string key
// per identity (~140 bytes each with the main dictionary's entry): a listpack entry costs ~30.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "core/identity.hpp"
#include "core/lead_event.hpp"
#include "store/redis_client.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace lg::store {

// Scalar fields (name, city, address) keep the first non-empty value unless the new value
// comes from a channel that stands earlier in this list. Lists are always unions.
struct merge_policy {
  std::vector<std::string> channel_priority{"facebook_lead_ads", "web_form", "landing_page",
                                            "api", "import"};
};

// A plain constant (not resolve_options{}.…) so default arguments stay simple inside co_await:
// GCC 12 miscompiles temporaries with members in a coroutine's awaited call.
inline constexpr std::size_t default_identity_buckets = 4096;

struct resolve_options {
  std::string tenant = "default";
  std::string default_team;  // routing pass-through until the routing stage assigns teams
  merge_policy policy;
  // How long a resolved event's marker guards against a second effect when its XACK is lost
  // (the worker deletes the marker after XACK; the TTL only cleans up after a crash).
  std::chrono::seconds done_ttl{std::chrono::hours(24 * 7)};
  std::size_t timeline_cap = 200;   // entries per contact
  std::size_t list_cap = 32;        // phones / emails / ids / learners per contact
  std::size_t message_limit = 200;  // bytes of a message kept on the timeline
  // Outbox entries not yet copied by the delivery fan-out; past it an event is refused
  // (OUTBOX_FULL, retried later) rather than a change the destinations would never see.
  std::size_t outbox_limit = 1'000'000;
  // Hashes of the identity index (lg:{t}:kx:<0..n-1>). Fixed for the life of a tenant's data:
  // changing it orphans the index. 4096 keeps buckets listpack-encoded (<= 128 entries, Redis'
  // default hash-max-listpack-entries) up to ~170,000 contacts of three identities; beyond,
  // Redis converts them to real hash tables (still ~80 bytes per identity, O(1) lookups).
  std::size_t identity_buckets = default_identity_buckets;
  // Redis' hash-max-listpack-value: the first touch is kept in the contact hash only when each
  // of its parts fits, so the hash stays listpack-encoded.
  std::size_t hash_value_max = 64;
};

struct resolve_result {
  std::string contact_id;
  bool returning = false;  // the person was known before this event
  bool duplicate = false;  // this event was resolved before (redelivery): no effect now
  bool created = false;
  std::string owner;
  std::string team;
  std::vector<std::string> merged;  // ids merged into contact_id by this event
  std::string learner;              // a household member's name recorded by this event
};

// The EVALSHA keys and args for one event; pure, so it is unit-tested without Redis.
struct resolve_call {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};
resolve_call make_resolve_call(const core::lead_event& e, const core::identity& id,
                               const resolve_options& opts);

awaitable<std::expected<resolve_result, core::error>> async_resolve(redis_client& redis,
                                                                    const core::lead_event& e,
                                                                    const resolve_options& opts);

// Parses the script's reply (exposed for tests).
std::expected<resolve_result, core::error> parse_resolve_reply(const redis_reply& r);


// The first `limit` bytes of `s`, cut on a UTF-8 character boundary.
std::string truncate_utf8(std::string_view s, std::size_t limit);

// The done-marker key of an event, deleted by the worker after XACK.
std::string done_key(std::string_view tenant, std::string_view event_id);

// The identity index bucket of an identity key: a 31-multiplier string hash mod 2^32, mod
// `buckets` (resolve.lua computes the same when it repoints a merged contact's keys).
std::uint32_t identity_bucket(std::string_view identity_key, std::size_t buckets) noexcept;
// lg:{t}:kx:<bucket>, the hash holding `identity_key`.
std::string identity_index_key(std::string_view tenant, std::string_view identity_key,
                               std::size_t buckets = default_identity_buckets);

// --- reading -------------------------------------------------------------------------------

// The contact `id` (aliases followed) as JSON with its newest `timeline_limit` timeline
// entries; nullopt when there is no such contact. "id" is the surviving id, "requested_id"
// the one asked for.
awaitable<std::expected<std::optional<nlohmann::json>, core::error>> async_get_contact(
    redis_client& redis, std::string_view tenant, std::string_view id,
    std::size_t timeline_limit = 20);

// The contact id an identity key ("phone:+84…", "email:<match key>", "zalo:<oa>:<uid>", …)
// resolves to, aliases followed; nullopt when none.
awaitable<std::expected<std::optional<std::string>, core::error>> async_find_by_key(
    redis_client& redis, std::string_view tenant, std::string_view identity_key,
    std::size_t buckets = default_identity_buckets);

// A contact's first touch while it still lives in its hash (fields h/hl/hm, as HGETALL
// returned them), as the JSON a timeline list entry holds; nullopt when the hash has none.
// It is the oldest entry: it comes after the list's.
std::optional<nlohmann::json> inline_touch(
    const std::vector<std::pair<std::string, std::string>>& fields);

// Contact ids whose folded name (or a learner's) starts with `folded_prefix`, at most `limit`.
awaitable<std::expected<std::vector<std::string>, core::error>> async_find_by_name(
    redis_client& redis, std::string_view tenant, std::string_view folded_prefix,
    std::size_t limit = 50);

// Converts a stored contact hash (field/value pairs) to its JSON view.
nlohmann::json contact_to_json(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace lg::store
