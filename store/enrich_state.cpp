// See enrich_state.hpp.
#include "store/enrich_state.hpp"

#include "store/keys.hpp"

#include <charconv>

namespace lg::store {
namespace {

constexpr int state_ttl_s = 7 * 24 * 3600;

std::string key(const std::string& tenant, const std::string& event_id) {
  return keys::prefix(tenant) + "enrich:" + event_id;
}

std::expected<void, core::error> written(const std::expected<redis_reply, core::error>& r) {
  if (!r) return std::unexpected(r.error());
  if (r->is_error()) return std::unexpected(core::make_error(core::errc::unavailable, "redis refused: " + r->str));
  return {};
}

}  // namespace

awaitable<std::expected<enrich_attempts, core::error>> async_enrich_attempts(redis_client& redis, std::string tenant,
                                                                            std::string event_id) {
  std::vector<std::string> cmd{"GET", key(tenant, event_id)};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  enrich_attempts a;
  const std::string_view v = r->str;
  const auto colon = v.find(':');
  if (colon == std::string_view::npos) co_return a;
  enrich_attempts parsed;
  const auto t = std::from_chars(v.data(), v.data() + colon, parsed.tries);
  const auto d = std::from_chars(v.data() + colon + 1, v.data() + v.size(), parsed.due_ms);
  if (t.ec != std::errc{} || d.ec != std::errc{} || d.ptr != v.data() + v.size()) co_return a;
  co_return parsed;
}

awaitable<std::expected<void, core::error>> async_enrich_failed(redis_client& redis, std::string tenant,
                                                               std::string event_id, enrich_attempts next) {
  std::vector<std::string> cmd{"SET", key(tenant, event_id),
                               std::to_string(next.tries) + ":" + std::to_string(next.due_ms), "EX",
                               std::to_string(state_ttl_s)};
  co_return written(co_await redis.async_exec(std::move(cmd)));
}

awaitable<std::expected<void, core::error>> async_enrich_done(redis_client& redis, std::string tenant,
                                                             std::string event_id) {
  std::vector<std::string> cmd{"DEL", key(tenant, event_id)};
  co_return written(co_await redis.async_exec(std::move(cmd)));
}

}  // namespace lg::store
