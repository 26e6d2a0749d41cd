// The token store (see tokens.hpp).
#include "store/tokens.hpp"

#include "store/keys.hpp"
#include "store/lua_script.hpp"

#include "token_release.hpp"
#include "token_rotate.hpp"

#include <charconv>

namespace lg::store {
namespace {

std::unexpected<core::error> redis_failed(const core::error& e) { return std::unexpected(e); }

std::unexpected<core::error> refused(const std::string& what) {
  return std::unexpected(core::make_error(core::errc::unavailable, "redis refused " + what));
}

}  // namespace

std::string token_key(std::string_view tenant, std::string_view name) {
  return keys::prefix(tenant) + "tok:" + std::string(name);
}

std::string token_lease_key(std::string_view tenant, std::string_view name) {
  return keys::prefix(tenant) + "toklease:" + std::string(name);
}

awaitable<std::expected<token_record, core::error>> async_read_tokens(redis_client& redis, std::string tenant,
                                                                      std::string name) {
  std::vector<std::string> cmd{"HMGET", token_key(tenant, name), "access_token", "expires_at_ms", "refresh_token"};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return redis_failed(r.error());
  if (!r->is_array() || r->elements.size() != 3) co_return refused("the token read");
  token_record t;
  t.access_token = r->elements[0].str;
  const auto& exp = r->elements[1].str;
  std::from_chars(exp.data(), exp.data() + exp.size(), t.expires_at_ms);
  t.refresh_token = r->elements[2].str;
  co_return t;
}

awaitable<std::expected<bool, core::error>> async_take_token_lease(redis_client& redis, std::string tenant,
                                                                   std::string name, std::string owner,
                                                                   std::chrono::milliseconds ttl) {
  std::vector<std::string> cmd{"SET", token_lease_key(tenant, name), owner, "NX", "PX", std::to_string(ttl.count())};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return redis_failed(r.error());
  if (r->is_error()) co_return refused("the token lease");
  co_return !r->is_nil();
}

awaitable<std::expected<bool, core::error>> async_rotate_tokens(redis_client& redis, std::string tenant,
                                                                std::string name, std::string owner,
                                                                std::string used_refresh, token_record next,
                                                                std::int64_t now_ms) {
  static const lua_script script{lua::token_rotate};
  std::vector<std::string> keys{token_key(tenant, name), token_lease_key(tenant, name)};
  std::vector<std::string> args{std::move(owner), std::move(used_refresh), std::move(next.access_token),
                                std::to_string(next.expires_at_ms), std::move(next.refresh_token),
                                std::to_string(now_ms)};
  auto r = co_await script.async_run(redis, std::move(keys), std::move(args));
  if (!r) co_return redis_failed(r.error());
  if (r->is_error()) co_return refused("the token rotation: " + r->str);
  co_return r->as_integer().value_or(0) == 1;
}

awaitable<std::expected<void, core::error>> async_release_token_lease(redis_client& redis, std::string tenant,
                                                                      std::string name, std::string owner) {
  static const lua_script script{lua::token_release};
  std::vector<std::string> keys{token_lease_key(tenant, name)};
  std::vector<std::string> args{std::move(owner)};
  auto r = co_await script.async_run(redis, std::move(keys), std::move(args));
  if (!r) co_return redis_failed(r.error());
  co_return std::expected<void, core::error>{};
}

}  // namespace lg::store
