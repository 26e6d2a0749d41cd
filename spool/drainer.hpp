// The spool's drainer: replays the spooled leads into Redis, oldest segment first and in order
// within it, through the same accept the request path uses — so a lead that did reach Redis
// before (an accept that timed out but landed, or a crash between the replay and the segment's
// removal) is answered as a duplicate by its idempotency key, never stored twice. A segment is
// removed only once all of its leads are in Redis. While Redis is away it waits with the one
// backoff; a lead Redis refuses for what it is (never expected: it was checked before it was
// spooled) goes to the quarantine rather than being dropped.
//
// Runs on a thread of its own with its own Redis connection (runtime/service_thread.hpp).
#pragma once

#include "runtime/loop.hpp"
#include "runtime/service_thread.hpp"
#include "spool/spool.hpp"
#include "store/redis_client.hpp"

#include <chrono>
#include <cstddef>
#include <memory>

namespace lg::spool {

struct drainer_options {
  std::size_t window = 128;                   // accepts in flight at once (pipelined, in order)
  std::chrono::milliseconds idle{100};        // how often an empty spool is looked at
  std::chrono::milliseconds retry_min{100};   // backoff while Redis is away
  std::chrono::milliseconds retry_max{5000};
  unsigned min_replicas_ack = 0;  // as the request path's accept (redis.min_replicas_ack)
  std::chrono::milliseconds replica_ack_timeout{1000};
};

class drainer {
 public:
  drainer(std::shared_ptr<spool> sp, store::redis_options redis, drainer_options opts = {});
  ~drainer();
  drainer(const drainer&) = delete;
  drainer& operator=(const drainer&) = delete;

  void start();
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  awaitable<void> run();
  // Replays `batch` (from where an interrupted replay of it stopped); true when every lead
  // reached Redis (or the quarantine).
  awaitable<bool> replay(const segment_batch& batch);

  std::shared_ptr<spool> spool_;
  drainer_options opts_;
  runtime::service_thread service_{"spool drainer"};
  std::shared_ptr<store::redis_client> client_;
  runtime::loop loop_;
  bool started_ = false;
  std::uint64_t resume_seq_ = 0;  // the segment a replay stopped in, and the first lead not yet in
  std::size_t resume_at_ = 0;
};

}  // namespace lg::spool
