// The outbox's fan-out step (store/lua/outbox_copy.lua): one outbox entry copied into the stream
// of every destination that wants it and acknowledged in the outbox's group, in one call, so a
// crash can neither lose the entry nor copy it twice.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"

#include <cstdint>
#include <expected>
#include <string>
#include <vector>

namespace lg::store {

struct outbox_copy_target {
  std::string destination;
  std::size_t max_backlog = 1'000'000;  // past it the copy goes to its dead letters (backlog_full)
  std::size_t max_dead = 100'000;
};

struct outbox_copied {
  std::uint64_t copied = 0;
  std::uint64_t dead = 0;  // copies dead-lettered because a backlog was full
};

// `targets` empty: the entry is only acknowledged (nobody wants it, or it was trimmed while pending).
awaitable<std::expected<outbox_copied, core::error>> async_copy_outbox_entry(
    redis_client& redis, std::string tenant, std::string group, std::string entry_id, std::string type,
    std::string data_json, std::string contact, std::int64_t now_ms, std::vector<outbox_copy_target> targets);

}  // namespace lg::store
