// The fan-out: consumer group "fanout" on lg:{t}:outbox. Each entry is copied to the stream
// lg:{t}:out:<d> of every destination that wants its event type, and acknowledged, in one
// script call (store/lua/outbox_copy.lua): at-least-once from the outbox, exactly once into
// each destination stream. The copy keeps the outbox entry id: the delivery id (webhook-id).
//
// Runs as one consumer (a fixed name, so a restarted fan-out first finishes what it had read);
// one fan-out per tenant at a time (webhooks/delivery_pool.hpp holds a lease for it: may_run),
// so entries are copied in outbox order. Once an entry is acknowledged the outbox is trimmed
// up to it (XTRIM MINID ~): the outbox holds only what is not copied yet, and writers refuse
// a new entry when it is full (OUTBOX_FULL) instead of trimming what was never delivered.
// Needs its own redis_client, since XREADGROUP BLOCK holds the connection while it waits.
#pragma once

#include "core/asio.hpp"
#include "core/time_source.hpp"
#include "runtime/loop.hpp"
#include "store/redis_client.hpp"
#include "store/stream_consumer.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lg::webhooks {

struct fanout_route {
  std::string destination;
  std::vector<std::string> events;  // empty: all
  std::size_t max_backlog = 1'000'000;
  std::size_t max_dead = 100'000;
};

struct fanout_options {
  std::string tenant = "default";
  std::string group = "fanout";
  std::string consumer = "fanout";
  std::vector<fanout_route> routes;
  std::size_t batch = 200;
  std::chrono::milliseconds block{500};  // must stay below the client's command timeout
  std::chrono::milliseconds error_backoff{500};
  // Asked before each read; false: the fan-out idles (another process holds its lease).
  // Empty: always true.
  std::function<bool()> may_run;
  // When a copy that found its backlog full was dead-lettered (tests: a simulated clock).
  const core::time_source* clock = &core::real_time();
};

struct fanout_stats {
  std::atomic<std::uint64_t> entries{0};  // outbox entries handled
  std::atomic<std::uint64_t> copies{0};   // copies written to destination streams
  std::atomic<std::uint64_t> overflow{0}; // copies dead-lettered because a backlog was full
  std::atomic<std::uint64_t> redis_errors{0};
};

class outbox_fanout : public std::enable_shared_from_this<outbox_fanout> {
 public:
  static std::shared_ptr<outbox_fanout> create(std::shared_ptr<store::redis_client> redis, fanout_options opts);
  void start();
  void stop();  // ends after the current BLOCK wait and batch
  bool running() const noexcept { return loop_.running(); }
  // Returns once the loop has ended (on its io_context).
  awaitable<void> async_ended() { return loop_.async_ended(); }
  const fanout_stats& stats() const noexcept { return stats_; }

 private:
  outbox_fanout(std::shared_ptr<store::redis_client> redis, fanout_options opts);
  awaitable<void> run();
  awaitable<bool> handle(const std::vector<store::stream_entry>& entries);

  std::shared_ptr<store::redis_client> redis_;
  fanout_options opts_;
  fanout_stats stats_;
  store::stream_consumer consumer_;
  runtime::loop loop_;
};

}  // namespace lg::webhooks
