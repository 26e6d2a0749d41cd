// One reader of a Redis stream in a consumer group, as every stage that consumes a stream reads
// it (the resolve stage on lg:{t}:in, the outbox fan-out on lg:{t}:outbox): the group made once,
// new entries read (blocking a bounded time), this consumer's own pending ones re-read after a
// restart, a dead consumer's taken over (XAUTOCLAIM), acknowledgement, and the trim of what
// every group has processed. A consumer needs a connection of its own while it blocks.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "store/redis_client.hpp"
#include "store/streams.hpp"

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <vector>

namespace lg::store {

struct consumer_options {
  std::string stream;
  std::string group;
  std::string consumer;
  std::string start = "0";  // where a new group starts: "0" takes the entries already there
  std::size_t batch = 100;
  // A read waits at most this long for new entries; it must stay below the client's command
  // timeout. Zero: it does not wait.
  std::chrono::milliseconds block{1000};
};

struct claimed_entries {
  std::vector<stream_entry> entries;
  std::string next;  // the cursor of the next call; "0-0" when the pending list was walked
};

struct group_backlog {
  long long lag = -1;      // entries no consumer has read yet; -1 when Redis cannot tell
  long long pending = 0;   // read and not acknowledged
};

class stream_consumer {
 public:
  stream_consumer(redis_client& redis, consumer_options options);

  const consumer_options& options() const noexcept { return opts_; }

  // XGROUP CREATE … MKSTREAM; a group that exists already is fine.
  awaitable<std::expected<void, core::error>> async_ensure_group();
  // New entries (">"), or — own_pending — what this consumer read before and did not
  // acknowledge ("0"). Empty when the wait ran out. A group deleted under it is made again.
  awaitable<std::expected<std::vector<stream_entry>, core::error>> async_read(bool own_pending = false);
  // Entries pending longer than `idle` in any consumer (a dead one's), from `cursor` ("0-0").
  awaitable<std::expected<claimed_entries, core::error>> async_claim(std::chrono::milliseconds idle,
                                                                    std::string cursor);
  // XACK of `ids`; then DEL of `also_delete` (keys that only guarded the entries until then).
  awaitable<std::expected<void, core::error>> async_ack(std::vector<std::string> ids,
                                                       std::vector<std::string> also_delete = {});
  // XTRIM MINID to the oldest entry some group of the stream still needs; the count removed.
  awaitable<std::expected<std::uint64_t, core::error>> async_trim_processed();

 private:
  redis_client& redis_;
  consumer_options opts_;
};

// The lag and pending count of `group` on `stream` (XINFO GROUPS).
awaitable<std::expected<group_backlog, core::error>> async_group_backlog(redis_client& redis, std::string stream,
                                                                        std::string group);

// Runs handler(0) … handler(n - 1) at once on this coroutine's executor and returns when all
// have ended. An exception a handler lets out is given to `failed` (with its index) and does
// not stop the others.
awaitable<void> async_fan_out(std::size_t n, std::function<awaitable<void>(std::size_t)> handler,
                              std::function<void(std::size_t, std::exception_ptr)> failed);

}  // namespace lg::store
