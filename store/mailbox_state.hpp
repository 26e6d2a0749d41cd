// Where a polled IMAP mailbox stands (lg:{t}:imap:<source>: UIDVALIDITY and the last UID
// taken), and the mark that keeps a broken message from being quarantined twice across rescans.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/quarantine.hpp"
#include "store/redis_client.hpp"

#include <chrono>
#include <cstdint>
#include <expected>
#include <string>

namespace lg::store {

struct mailbox_position {
  std::uint64_t uidvalidity = 0;  // 0: never seen
  std::uint32_t last_uid = 0;
  // A stored value that is not a number (a hand edit, a bad restore): the position reads as
  // never seen, so the mailbox is rescanned (Message-ID dedupe keeps each message once).
  bool corrupt = false;
};

awaitable<std::expected<mailbox_position, core::error>> async_mailbox_position(redis_client& redis,
                                                                              std::string tenant,
                                                                              std::string source);

// A new (or changed) UIDVALIDITY: the mailbox starts again from UID 0.
awaitable<std::expected<void, core::error>> async_mailbox_restart(redis_client& redis, std::string tenant,
                                                                 std::string source, std::uint64_t uidvalidity);

// Message `uid` was taken (accepted or quarantined).
awaitable<std::expected<void, core::error>> async_mailbox_advance(redis_client& redis, std::string tenant,
                                                                 std::string source, std::uint32_t uid);

// Quarantines a message that does not parse once per `digest` within `window` (a rescan meets it
// again): nullopt when it was quarantined before, else the entry id.
awaitable<std::expected<std::optional<std::string>, core::error>> async_quarantine_message_once(
    redis_client& redis, quarantine_entry q, std::string digest, std::chrono::milliseconds window);

}  // namespace lg::store
