// See poll_cursors.hpp.
#include "store/poll_cursors.hpp"

#include "store/keys.hpp"

#include <charconv>

namespace lg::store {

std::string poll_cursor_key(std::string_view tenant, std::string_view kind, std::string_view source,
                            std::string_view list) {
  std::string k = keys::prefix(tenant);
  k.append("cursor:").append(kind).append(":").append(source).append(":").append(list);
  return k;
}

awaitable<std::expected<std::optional<std::int64_t>, core::error>> async_poll_cursor(redis_client& redis,
                                                                                    std::string key) {
  std::vector<std::string> cmd{"GET", std::move(key)};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return std::unexpected(core::make_error(core::errc::unavailable, "redis refused: " + r->str));
  std::int64_t v = 0;
  const auto& s = r->str;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) co_return std::optional<std::int64_t>{};
  co_return std::optional<std::int64_t>(v);
}

awaitable<std::expected<void, core::error>> async_set_poll_cursor(redis_client& redis, std::string key,
                                                                 std::int64_t value) {
  std::vector<std::string> cmd{"SET", std::move(key), std::to_string(value)};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return std::unexpected(core::make_error(core::errc::unavailable, "redis refused: " + r->str));
  co_return std::expected<void, core::error>{};
}

}  // namespace lg::store
