// A Redis reply copied out of hiredis's redisReply before the callback returns, so it can
// outlive the hiredis context and travel through coroutines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;  // hiredis's reply type; only redis_reply.cpp needs its definition

namespace lg::store {

struct redis_reply {
  enum class kind { nil, integer, string, status, error, array };
  kind type = kind::nil;
  long long integer = 0;
  std::string str;  // string, status and error replies
  std::vector<redis_reply> elements;

  bool is_nil() const noexcept { return type == kind::nil; }
  bool is_error() const noexcept { return type == kind::error; }
  bool is_array() const noexcept { return type == kind::array; }
  // The string of a string/status reply, nullopt otherwise.
  std::optional<std::string> as_string() const;
  // The integer of an integer reply, or a string reply holding a decimal integer.
  std::optional<long long> as_integer() const;
  // The value under `name` in a flat name/value array (XINFO, HELLO), nullptr when absent.
  const redis_reply* field(std::string_view name) const noexcept;
};

// Deep-copies a hiredis reply (and its nested elements) so it outlives the hiredis callback.
redis_reply copy_reply(const ::redisReply& r);

}  // namespace lg::store
