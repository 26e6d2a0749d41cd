// The delivery engine of one destination (a bulkhead: its own coroutine, connector and
// connection pool; a destination that is down never slows another).
//
// Order: per contact. New entries are read from lg:{t}:out:<d> oldest first and tried at once.
// An entry whose attempt fails and may be retried is parked (store/lua/outbox_step.lua): it
// becomes its contact's head, scheduled in the retry ZSET, and every later entry of that
// contact queues behind it without being tried — other contacts flow on. When the head is
// delivered (or dead-lettered) the next one of its contact is due at once.
//
// Retries follow the destination's retry_policy (schedule + jitter, Retry-After honoured); a
// 4xx other than 408/429 is permanent: the entry goes to lg:{t}:dead:<d> with the status and
// the first 2 KiB of the reply; so does an entry whose attempts are used up. The circuit
// breaker opens after N consecutive failures: while open nothing is tried (new entries wait in
// the stream); after open_for one probe goes out. When the probe succeeds, every parked head
// scheduled later becomes due at once: a destination back after hours does not leave its
// contacts waiting out a backoff of hours.
//
// State is in Redis (stream, parked hash, retry ZSET, hold queues): stopping the worker, or
// killing the process, loses nothing; an entry delivered just before a crash may be delivered
// once more with the same webhook-id. One worker per destination and tenant may run at a time
// (webhooks/delivery_pool.hpp holds a lease in Redis for it: may_run).
#pragma once

#include "core/asio.hpp"
#include "runtime/loop.hpp"
#include "core/time_source.hpp"
#include "store/delivery_queue.hpp"
#include "store/redis_client.hpp"
#include "webhooks/breaker.hpp"
#include "webhooks/connector.hpp"
#include "webhooks/retry_schedule.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

namespace lg::webhooks {

struct destination_options {
  std::string tenant = "default";
  std::string id;  // the destination id
  retry_policy retry;
  breaker_options breaker;
  double rate_limit_per_s = 0;  // 0: unlimited
  std::size_t max_dead = 100'000;
  std::size_t batch = 100;                      // entries read per round
  // New entries in flight at once, in lanes by contact: the entries of one contact share a
  // lane and go one after the other, so each contact's order holds. 1: one at a time. Lanes
  // are used only while the destination answers (one at a time after a retryable failure).
  std::size_t concurrency = 1;
  std::chrono::milliseconds idle_poll{50};      // nothing to do: look again after this
  std::chrono::milliseconds error_backoff{500}; // Redis unavailable: wait this long
  random_source random;                         // empty: a seeded std::mt19937_64
  // What "now" is for retry times, the breaker and dead letters (tests: a simulated clock).
  const core::time_source* clock = &core::real_time();
  // Asked before each round and each attempt; false: the worker idles (its lease is not held
  // — another process delivers this destination). Empty: always true.
  std::function<bool()> may_run;
};

struct destination_stats {
  std::atomic<std::uint64_t> attempts{0};
  std::atomic<std::uint64_t> delivered{0};
  std::atomic<std::uint64_t> failures{0};  // retryable failed attempts
  std::atomic<std::uint64_t> dead{0};
  std::atomic<std::uint64_t> redis_errors{0};
  std::atomic<std::uint64_t> rounds{0};  // times the loop looked for work (tests wait on it)
};

class destination_worker : public std::enable_shared_from_this<destination_worker> {
 public:
  // `redis` may be shared with other workers (no blocking commands are used).
  static std::shared_ptr<destination_worker> create(std::shared_ptr<store::redis_client> redis,
                                                    std::unique_ptr<connector> conn, destination_options opts);

  void start();  // spawns the loop on the client's io_context
  void stop();   // the loop ends after the attempt in hand; call on the io_context's thread
  bool running() const noexcept { return loop_.running(); }
  // Returns once the loop has ended (on its io_context).
  awaitable<void> async_ended() { return loop_.async_ended(); }

  const destination_stats& stats() const noexcept { return stats_; }
  breaker_state breaker() const noexcept { return breaker_state_.load(); }
  const std::string& id() const noexcept { return opts_.id; }

 private:
  destination_worker(std::shared_ptr<store::redis_client> redis, std::unique_ptr<connector> conn,
                     destination_options opts);
  awaitable<void> run();
  awaitable<bool> run_due();
  awaitable<bool> run_new();
  // One new entry: tried, or queued behind its contact's parked head. False: stop this round.
  awaitable<bool> deliver_new(store::queued_delivery& e, std::unordered_set<std::string>& blocked, bool& worked);
  // Whether the breaker lets an attempt go now (a lease that moved stops it too).
  bool may_attempt();
  bool may_run() const { return !opts_.may_run || opts_.may_run(); }
  // One attempt of `e` (its attempts count goes up), then what the verdict says becomes of it.
  // False: Redis did not take the outcome (the round stops; the entry is tried again later).
  awaitable<bool> attempt_and_settle(store::queued_delivery& e, std::unordered_set<std::string>* blocked);
  awaitable<attempt_result> attempt(const delivery_item& item);
  // A step's outcome: counted and logged when Redis failed it (the loop pauses after the round).
  bool stepped(const std::expected<void, core::error>& r);
  void note_breaker(breaker_state before);

  std::shared_ptr<store::redis_client> redis_;
  std::unique_ptr<connector> conn_;
  destination_options opts_;
  store::delivery_queue queue_;
  circuit_breaker breaker_;
  std::atomic<breaker_state> breaker_state_{breaker_state::closed};
  destination_stats stats_;
  bool wake_ = false;
  bool redis_failed_ = false;
  bool healthy_ = false;  // the last attempt got an answer that was not a retryable failure
  std::chrono::steady_clock::time_point next_slot_{};
  runtime::loop loop_;
};

}  // namespace lg::webhooks
