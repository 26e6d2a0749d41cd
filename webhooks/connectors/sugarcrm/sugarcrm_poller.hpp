// The `sugarcrm` destination type, pull side (direction two_way): brings what the CRM changed
// back into leadgate. One run:
//   GET /rest/v11/<module>?filter[0][date_modified][$gte]=<cursor>&order_by=date_modified:ASC
//       &max_num=N&offset=…   (pages followed by next_offset until -1)
// Each record is applied by store/lua/sync_apply.lua in one call with the cursor move: records
// before the cursor, or already taken at the cursor second (ties), are skipped; echoes
// (modified by the integration user, or equal to what leadgate last wrote) only move the
// cursor; a change puts the CRM-owned status and assigned user on the contact and its timeline,
// and a CRM user id that is another member of the lead's team moves the open lead to them.
// A status becoming Converted or Dead closes the lead first (store::async_release: the member's
// capacity frees, the backlog drains), which is idempotent, so a crash between the two is
// repaired by the next run. When the cursor moves, the next page is asked from the new cursor.
// Runs every poll_interval, or at once when poked (a change notification: POST
// /v1/sync/{destination} sets `poke` on lg:{t}:sync:<d>), and only while `may_run` holds: the
// delivery pool gives it the destination's lease, so of several processes one pulls (as one
// pushes) and a poke waits for that one. A run under way when the lease moves stops before its
// next page; the page in hand may overlap the new holder's first, which the atomic, idempotent
// apply makes harmless.
#pragma once

#include "runtime/loop.hpp"
#include "webhooks/connector.hpp"

#include "store/assignments.hpp"
#include "store/redis_client.hpp"
#include "webhooks/connectors/sugarcrm/sugarcrm_client.hpp"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace lg::webhooks::sugarcrm {

struct pull_stats {
  std::size_t pages = 0;
  std::size_t applied = 0;
  std::size_t echoes = 0;
  std::size_t skipped = 0;  // old, dup, same, unknown
  std::size_t closed = 0;   // leads closed because the CRM said Converted or Dead, or deleted the record
  std::size_t deleted = 0;  // records deleted in the CRM: unlinked from their contacts
  std::size_t moved = 0;    // open leads moved to the member the CRM assigned them to
};

class poller final : public webhooks::puller, public std::enable_shared_from_this<poller> {
 public:
  using clock_fn = std::function<store::clock_point(std::int64_t epoch_ms)>;

  static std::shared_ptr<poller> create(std::shared_ptr<client> session, std::shared_ptr<store::redis_client> redis,
                                        clock_fn clock);

  // One run; an error leaves the cursor where the last applied record put it.
  awaitable<std::expected<pull_stats, core::error>> async_run_once();

  // Set before start(): the loop neither pulls nor takes a poke while it returns false, and a
  // run asks it before each page after the first.
  void set_may_run(std::function<bool()> may_run) override { may_run_ = std::move(may_run); }
  void start() override;  // the loop, on the redis client's executor
  void stop() override;
  bool running() const noexcept override { return loop_.running(); }
  awaitable<void> async_ended() override { return loop_.async_ended(); }
  std::uint64_t runs() const noexcept { return runs_; }
  std::uint64_t rounds() const noexcept override { return rounds_; }

 private:
  poller(std::shared_ptr<client> session, std::shared_ptr<store::redis_client> redis, clock_fn clock);
  awaitable<void> run();

  std::shared_ptr<client> session_;
  std::shared_ptr<store::redis_client> redis_;
  clock_fn clock_;
  std::function<bool()> may_run_;
  std::atomic<std::uint64_t> runs_{0}, rounds_{0};
  runtime::loop loop_;
};

// Asks the destination's poller to run now (any process): HSET lg:{t}:sync:<d> poke 1.
awaitable<std::expected<void, core::error>> async_poke(store::redis_client& redis, std::string tenant,
                                                      std::string destination);

}  // namespace lg::webhooks::sugarcrm
