// See sync_state.hpp.
#include "store/sync_state.hpp"

#include "store/contacts.hpp"
#include "store/keys.hpp"
#include "store/lua_script.hpp"
#include "sync_apply.hpp"  // the embedded script

#include <charconv>

namespace lg::store {
namespace sync_keys {

std::string state(std::string_view tenant, std::string_view dest) {
  return keys::prefix(tenant) + "sync:" + std::string(dest);
}
std::string ties(std::string_view tenant, std::string_view dest) { return state(tenant, dest) + ":ties"; }
std::string record_ids(std::string_view tenant, std::string_view dest) { return state(tenant, dest) + ":ids"; }
std::string fingerprints(std::string_view tenant, std::string_view dest) { return state(tenant, dest) + ":fp"; }
std::string leads(std::string_view tenant, std::string_view dest) { return state(tenant, dest) + ":lead"; }
std::string owned(std::string_view tenant, std::string_view dest) { return state(tenant, dest) + ":own"; }
std::string external_key(std::string_view dest, std::string_view record_id) {
  return "ext:" + std::string(dest) + ":" + std::string(record_id);
}

}  // namespace sync_keys

namespace {

std::vector<std::string> script_keys(const std::string& tenant, const std::string& dest, const std::string& ext) {
  return {sync_keys::state(tenant, dest),        sync_keys::ties(tenant, dest),
          sync_keys::record_ids(tenant, dest),   sync_keys::fingerprints(tenant, dest),
          sync_keys::leads(tenant, dest),        identity_index_key(tenant, ext),
          sync_keys::owned(tenant, dest)};
}

std::unexpected<core::error> refused(const std::string& what) {
  return std::unexpected(core::make_error(core::errc::unavailable, "redis refused " + what));
}

}  // namespace

awaitable<std::expected<void, core::error>> async_sync_link(redis_client& redis, std::string tenant,
                                                            std::string dest, sync_link link) {
  static const lua_script script{lua::sync_apply};
  const auto ext = sync_keys::external_key(dest, link.record_id);
  auto keys = script_keys(tenant, dest, ext);
  std::vector<std::string> args{keys::prefix(tenant), "link", std::move(link.contact_id), std::move(link.record_id),
                                ext, std::move(link.fingerprint), std::move(link.event_id),
                                std::move(link.modified_user), std::move(link.owned)};
  auto r = co_await script.async_run(redis, std::move(keys), std::move(args));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return refused("the sync link: " + r->str);
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<std::optional<sync_record>, core::error>> async_sync_record(redis_client& redis,
                                                                                     std::string tenant,
                                                                                     std::string dest,
                                                                                     std::string contact_id) {
  // (Commands are named locals: GCC 12 mishandles a braced list inside co_await.)
  std::vector<std::string> id_cmd{"HGET", sync_keys::record_ids(tenant, dest), std::move(contact_id)};
  auto id = co_await redis.async_exec(std::move(id_cmd));
  if (!id) co_return std::unexpected(id.error());
  if (id->is_error()) co_return refused("the sync id read");
  if (id->is_nil() || id->str.empty()) co_return std::optional<sync_record>{};
  sync_record rec;
  rec.id = id->str;
  std::vector<std::string> owned_cmd{"HGET", sync_keys::owned(tenant, dest), rec.id};
  auto owned = co_await redis.async_exec(std::move(owned_cmd));
  if (!owned) co_return std::unexpected(owned.error());
  if (owned->is_error()) co_return refused("the sync ownership read");
  if (!owned->is_nil() && !owned->str.empty()) rec.owned = owned->str;
  co_return std::optional<sync_record>(std::move(rec));
}

awaitable<std::expected<sync_verdict, core::error>> async_sync_pulled(redis_client& redis, std::string tenant,
                                                                      std::string dest, pulled_record rec,
                                                                      bool apply, std::int64_t now_s,
                                                                      std::size_t timeline_cap) {
  static const lua_script script{lua::sync_apply};
  const auto ext = sync_keys::external_key(dest, rec.record_id);
  auto keys = script_keys(tenant, dest, ext);
  std::vector<std::string> args{keys::prefix(tenant),
                                apply ? "apply" : "check",
                                std::move(rec.record_id),
                                std::to_string(rec.modified_s),
                                std::move(rec.modified_raw),
                                std::move(rec.modified_user),
                                std::move(rec.fingerprint),
                                std::move(rec.status),
                                std::move(rec.assigned_user),
                                ext,
                                std::to_string(now_s),
                                std::to_string(timeline_cap),
                                dest,
                                rec.deleted ? "1" : ""};
  auto r = co_await script.async_run(redis, std::move(keys), std::move(args));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error() || !r->is_array() || r->elements.size() != 5) co_return refused("the sync apply: " + r->str);
  sync_verdict v;
  v.verdict = r->elements[0].str;
  v.contact_id = r->elements[1].str;
  v.event_id = r->elements[2].str;
  v.closing = r->elements[3].as_integer().value_or(0) == 1;
  v.moved_to = r->elements[4].str;
  co_return v;
}

awaitable<std::expected<sync_cursor, core::error>> async_sync_cursor(redis_client& redis, std::string tenant,
                                                                     std::string dest) {
  std::vector<std::string> cmd{"HMGET", sync_keys::state(tenant, dest), "cur", "cur_s"};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (!r->is_array() || r->elements.size() != 2) co_return refused("the sync cursor read");
  sync_cursor c;
  const auto& e = r->elements[0].str;
  if (!e.empty()) std::from_chars(e.data(), e.data() + e.size(), c.epoch_s);
  c.raw = r->elements[1].str;
  co_return c;
}

awaitable<std::expected<void, core::error>> async_sync_poke(redis_client& redis, std::string tenant, std::string dest) {
  std::vector<std::string> cmd{"HSET", sync_keys::state(tenant, dest), "poke", "1"};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return refused("the poke");
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<bool, core::error>> async_sync_take_poke(redis_client& redis, std::string tenant,
                                                                std::string dest) {
  std::vector<std::string> cmd{"HDEL", sync_keys::state(tenant, dest), "poke"};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return refused("the poke");
  co_return r->as_integer().value_or(0) == 1;
}

}  // namespace lg::store
