// Redis stream entries as every reader of a stream sees them, and stream ids ("<ms>-<seq>").
#pragma once

#include "store/redis_reply.hpp"

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::store {

struct stream_entry {
  std::string id;
  std::vector<std::pair<std::string, std::string>> fields;
  bool deleted = false;  // gone from the stream while pending (XAUTOCLAIM, XREADGROUP of "0")

  // The value of field `name`, nullptr when absent.
  const std::string* field(std::string_view name) const noexcept;
};

// [[id, [f, v, …]], …] as XRANGE, XREVRANGE, XREADGROUP and XAUTOCLAIM return it; an entry
// whose field list is nil is marked deleted.
std::vector<stream_entry> parse_stream_entries(const redis_reply& list);

struct stream_id {
  std::uint64_t ms = 0, seq = 0;
  auto operator<=>(const stream_id&) const = default;
  std::string str() const { return std::to_string(ms) + "-" + std::to_string(seq); }
};
// "<ms>-<seq>" (or "<ms>"); nullopt for anything else.
std::optional<stream_id> parse_stream_id(std::string_view s) noexcept;

}  // namespace lg::store
