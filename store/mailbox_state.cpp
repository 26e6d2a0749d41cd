// See mailbox_state.hpp.
#include "store/mailbox_state.hpp"

#include "store/keys.hpp"

#include <charconv>

namespace lg::store {
namespace {

template <class Int>
bool number(const std::string& s, Int& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

std::unexpected<core::error> refused(const std::string& what, const std::string& reply) {
  return std::unexpected(core::make_error(core::errc::unavailable, "redis refused " + what + ": " + reply));
}

}  // namespace

awaitable<std::expected<mailbox_position, core::error>> async_mailbox_position(redis_client& redis,
                                                                              std::string tenant,
                                                                              std::string source) {
  std::vector<std::string> cmd{"HMGET", keys::imap_state(tenant, source), "uidvalidity", "last_uid"};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error() || r->elements.size() != 2) co_return refused("the mailbox position read", r->str);
  mailbox_position p;
  const auto& v = r->elements[0].str;
  const auto& u = r->elements[1].str;
  if ((!v.empty() && !number(v, p.uidvalidity)) || (!u.empty() && !number(u, p.last_uid))) {
    p = mailbox_position{};
    p.corrupt = true;
  }
  co_return p;
}

awaitable<std::expected<void, core::error>> async_mailbox_restart(redis_client& redis, std::string tenant,
                                                                 std::string source, std::uint64_t uidvalidity) {
  std::vector<std::string> cmd{"HSET", keys::imap_state(tenant, source), "last_uid", "0", "uidvalidity",
                               std::to_string(uidvalidity)};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return refused("the mailbox restart", r->str);
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<void, core::error>> async_mailbox_advance(redis_client& redis, std::string tenant,
                                                                 std::string source, std::uint32_t uid) {
  std::vector<std::string> cmd{"HSET", keys::imap_state(tenant, source), "last_uid", std::to_string(uid)};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return refused("the mailbox position write", r->str);
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<std::optional<std::string>, core::error>> async_quarantine_message_once(
    redis_client& redis, quarantine_entry q, std::string digest, std::chrono::milliseconds window) {
  const std::string seen_key = keys::idempotency(q.tenant, "email:bad:" + digest);
  std::vector<std::string> exists{"EXISTS", seen_key};
  auto seen = co_await redis.async_exec(std::move(exists));
  if (!seen) co_return std::unexpected(seen.error());
  if (seen->integer == 1) co_return std::optional<std::string>{};
  auto id = co_await async_quarantine(redis, q);
  if (!id) co_return std::unexpected(id.error());
  std::vector<std::string> mark{"SET", seen_key, *id, "PX", std::to_string(window.count())};
  auto marked = co_await redis.async_exec(std::move(mark));
  if (!marked) co_return std::unexpected(marked.error());
  co_return std::optional<std::string>(*id);
}

}  // namespace lg::store
