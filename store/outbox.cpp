// See outbox.hpp; the argument slots are outbox_copy.lua's.
#include "store/outbox.hpp"

#include "store/keys.hpp"
#include "store/lua_script.hpp"

#include "outbox_copy.hpp"  // the embedded script

namespace lg::store {

awaitable<std::expected<outbox_copied, core::error>> async_copy_outbox_entry(
    redis_client& redis, std::string tenant, std::string group, std::string entry_id, std::string type,
    std::string data_json, std::string contact, std::int64_t now_ms, std::vector<outbox_copy_target> targets) {
  static const lua_script script{lua::outbox_copy};
  std::vector<std::string> kx{keys::outbox(tenant)};
  std::vector<std::string> args{std::move(group), std::move(entry_id), std::move(type), std::move(data_json),
                                std::move(contact), std::to_string(now_ms)};
  for (const auto& t : targets) {
    kx.push_back(keys::destination_stream(tenant, t.destination));
    kx.push_back(keys::dead_letters(tenant, t.destination));
    args.push_back(std::to_string(t.max_backlog));
    args.push_back(std::to_string(t.max_dead));
  }
  auto r = co_await script.async_run(redis, std::move(kx), std::move(args));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error() || r->elements.size() != 2)
    co_return std::unexpected(core::make_error(core::errc::unavailable, "redis refused the outbox copy: " + r->str));
  co_return outbox_copied{static_cast<std::uint64_t>(r->elements[0].integer),
                          static_cast<std::uint64_t>(r->elements[1].integer)};
}

}  // namespace lg::store
