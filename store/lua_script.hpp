// A Lua script embedded at build time, run with EVALSHA and loaded on NOSCRIPT.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lg::store {

class lua_script {
 public:
  explicit lua_script(std::string_view source);  // computes the SHA-1 once
  const std::string& sha1() const noexcept { return sha1_; }
  std::string_view source() const noexcept { return source_; }

  // EVALSHA sha numkeys keys... args...; on NOSCRIPT, SCRIPT LOAD then EVALSHA once more.
  awaitable<std::expected<redis_reply, core::error>> async_run(redis_client& redis,
                                                               std::vector<std::string> keys,
                                                               std::vector<std::string> args) const;

 private:
  std::string_view source_;
  std::string sha1_;
};

}  // namespace lg::store
