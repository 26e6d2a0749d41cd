// Copies hiredis replies into owned values and reads scalars out of them.
#include "store/redis_reply.hpp"

#include <hiredis/hiredis.h>

#include <charconv>

namespace lg::store {

std::optional<std::string> redis_reply::as_string() const {
  if (type == kind::string || type == kind::status) return str;
  return std::nullopt;
}

const redis_reply* redis_reply::field(std::string_view name) const noexcept {
  for (std::size_t i = 0; i + 1 < elements.size(); i += 2)
    if (elements[i].str == name) return &elements[i + 1];
  return nullptr;
}

std::optional<long long> redis_reply::as_integer() const {
  if (type == kind::integer) return integer;
  if (type != kind::string || str.empty()) return std::nullopt;
  long long v = 0;
  const char* first = str.data();
  const char* last = first + str.size();
  auto [ptr, ec] = std::from_chars(first, last, v);
  // The whole string must be the number: "12abc" is not an integer reply.
  if (ec != std::errc{} || ptr != last) return std::nullopt;
  return v;
}

redis_reply copy_reply(const ::redisReply& r) {
  redis_reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:
      out.type = r.type == REDIS_REPLY_STRING   ? redis_reply::kind::string
                 : r.type == REDIS_REPLY_STATUS ? redis_reply::kind::status
                                                : redis_reply::kind::error;
      out.str.assign(r.str, r.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = redis_reply::kind::integer;
      out.integer = r.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = redis_reply::kind::array;
      out.elements.reserve(r.elements);
      // hiredis's reader caps nesting depth, so this recursion is bounded.
      for (std::size_t i = 0; i < r.elements; ++i) {
        if (r.element[i] == nullptr) {
          out.elements.emplace_back();  // defensive: treat a hole as nil
        } else {
          out.elements.push_back(copy_reply(*r.element[i]));
        }
      }
      break;
    case REDIS_REPLY_NIL:
    default:
      // Unknown types cannot come from hiredis 0.14 (RESP2 only); nil is the safe reading.
      out.type = redis_reply::kind::nil;
      break;
  }
  return out;
}

}  // namespace lg::store
