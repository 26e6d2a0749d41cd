// EVALSHA with a fallback to SCRIPT LOAD: Redis forgets scripts on restart, failover or
// SCRIPT FLUSH, and the first call after that sees NOSCRIPT.
#include "store/lua_script.hpp"

#include "core/digest.hpp"

#include <array>
#include <stdexcept>

namespace lg::store {
namespace {

bool is_noscript(const redis_reply& r) {
  return r.is_error() && std::string_view(r.str).starts_with("NOSCRIPT");
}

}  // namespace

lua_script::lua_script(std::string_view source) : source_(source), sha1_(core::sha1_hex(source)) {}

awaitable<std::expected<redis_reply, core::error>> lua_script::async_run(
    redis_client& redis, std::vector<std::string> keys, std::vector<std::string> args) const {
  // Built once and moved into; sent by view, so a NOSCRIPT retry re-sends it without copies.
  std::vector<std::string> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.emplace_back("EVALSHA");
  argv.push_back(sha1_);
  argv.push_back(std::to_string(keys.size()));
  for (auto& k : keys) argv.push_back(std::move(k));
  for (auto& a : args) argv.push_back(std::move(a));

  auto first = co_await redis.async_exec_view(argv);
  if (!first || !is_noscript(*first)) co_return first;

  std::array<std::string, 3> load{"SCRIPT", "LOAD", std::string(source_)};
  auto loaded = co_await redis.async_exec_view(load);
  if (!loaded) co_return loaded;
  if (loaded->is_error()) co_return loaded;
  co_return co_await redis.async_exec_view(argv);
}

}  // namespace lg::store
