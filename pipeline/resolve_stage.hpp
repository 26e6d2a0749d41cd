// The resolve stage: consumer group "process" on lg:{t}:in. Each entry is parsed,
// resolved to a contact (store/contacts.hpp, one Lua call), handed on with returning/owner/
// team to the async routing stage (`route`), and XACKed only after resolve's and route's
// effects are written. Entries that cannot be parsed go to the quarantine
// stream with the reason, then are acknowledged: never dropped, never retried forever.
//
// Several workers, in one process or many, share the stream: the group delivers each entry to
// one consumer; entries left pending by a dead consumer are taken over with XAUTOCLAIM after
// `claim_idle`; the done marker inside resolve.lua makes a second run of an event a no-op.
// The worker trims lg:{t}:in up to the oldest entry any group still needs (XTRIM MINID), so
// the accept path's backlog bound counts only unprocessed entries.
//
// A worker needs its own redis_client: XREADGROUP BLOCK holds the connection while it waits.
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "core/lead_event.hpp"
#include "core/time_source.hpp"
#include "pipeline/enrich_stage.hpp"
#include "runtime/loop.hpp"
#include "store/contacts.hpp"
#include "store/redis_client.hpp"
#include "store/stream_consumer.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lg::pipeline {

// What the worker hands on to routing: the event and who it belongs to.
struct processed_event {
  core::lead_event event;
  std::string stream_id;
  store::resolve_result contact;  // contact_id, returning, owner, team, merged, learner
};
using processed_handler = std::function<void(const processed_event&)>;

// The async routing stage. Called for every resolved event before its XACK, and again for a
// redelivered one (contact.duplicate = true, the same contact_id/returning/owner/team/created
// as its first run, from the done marker), so an idempotent stage can finish what a crash
// interrupted. The entry is acknowledged only when it returns success; on an error (or an
// exception) it stays pending and is delivered again after `claim_idle` (XAUTOCLAIM).
// The routes of one batch are started in stream order and may overlap; `contact` is the state
// at resolve time, so a stage that assigns owners must read the current owner itself.
using route_stage =
    std::function<awaitable<std::expected<void, core::error>>(const processed_event&)>;

// Enrichment (pipeline/enrich_stage.hpp), called before resolve for an event marked
// extra.needs_fetch; it completes the event in place. On `retry` the entry stays pending and is
// tried again when claimed after claim_idle, no sooner than its backoff (attempts and the next
// due time live in lg:{t}:enrich:<event id>); on `failed` it is quarantined with the reason.
using enrich_fn = std::function<awaitable<enrich_outcome>(core::lead_event&)>;

struct resolve_stage_options {
  std::string tenant = "default";
  std::string group = "process";
  std::string consumer;  // empty: "<hostname>:<pid>:<n>"
  std::string event_field = "lead";  // the entry field accept.lua writes the event JSON to
  std::size_t batch = 100;            // XREADGROUP / XAUTOCLAIM COUNT
  // Must stay below the client's command_timeout, or the wait itself times out.
  std::chrono::milliseconds block{1000};
  std::chrono::milliseconds claim_idle{30000};     // pending this long: the consumer is dead
  std::chrono::milliseconds claim_interval{5000};  // how often to look for such entries
  std::chrono::milliseconds trim_interval{2000};   // how often to trim processed entries
  std::chrono::milliseconds retry_backoff{200};    // after Redis was unavailable
  std::size_t quarantine_max_length = 100000;      // MAXLEN ~ of the quarantine stream
  std::string default_team;                        // routing pass-through
  store::resolve_options resolve;                  // tenant/default_team are set from above
  route_stage route;  // empty: pass-through (the resolved team stands)
  enrich_fn enrich;  // empty: events resolve as accepted
  std::chrono::milliseconds enrich_backoff{1000};       // after the first failed fetch; doubles
  std::chrono::milliseconds enrich_backoff_max{300000};
  const core::time_source* clock = &core::real_time();  // when a failed fetch is due again
};


struct resolve_stage_stats {
  std::atomic<std::uint64_t> processed{0};    // resolved with effect
  std::atomic<std::uint64_t> duplicates{0};   // redelivered, no second effect
  std::atomic<std::uint64_t> quarantined{0};
  std::atomic<std::uint64_t> claimed{0};      // taken over from dead consumers
  std::atomic<std::uint64_t> errors{0};       // Redis failures (entry left pending)
  std::atomic<std::uint64_t> routed{0};       // route stage returned success
  std::atomic<std::uint64_t> route_failures{0};  // route failed or threw (entry left pending)
  std::atomic<std::uint64_t> trimmed{0};
  std::atomic<std::uint64_t> enriched{0};         // completed from a provider API
  std::atomic<std::uint64_t> enrich_retries{0};   // fetch failed, entry left pending
  std::atomic<std::uint64_t> enrich_failures{0};  // fetch can never succeed: quarantined
};

// "<hostname>:<pid>:<n>", n counting the workers of this process.
std::string default_consumer_name();

class resolve_stage : public std::enable_shared_from_this<resolve_stage> {
 public:
  static std::shared_ptr<resolve_stage> create(std::shared_ptr<store::redis_client> redis,
                                                resolve_stage_options opts,
                                                processed_handler on_processed = {});

  // Spawns the loop on the client's io_context. The client must be started.
  void start();
  // Asks the loop to end after the batch in hand (and the current BLOCK wait).
  void stop();
  bool running() const noexcept { return loop_.running(); }
  // Returns once the loop has ended (on the client's io_context).
  awaitable<void> async_ended() { return loop_.async_ended(); }

  const resolve_stage_stats& stats() const noexcept { return stats_; }
  const std::string& consumer() const noexcept { return opts_.consumer; }

 private:
  using entry = store::stream_entry;
  static store::consumer_options consumer_options_of(resolve_stage_options& o);
  resolve_stage(std::shared_ptr<store::redis_client> redis, resolve_stage_options opts,
                 processed_handler on_processed);
  awaitable<void> run();
  awaitable<void> claim_dead();
  awaitable<void> read_new();
  awaitable<void> handle_batch(std::vector<entry> entries);
  awaitable<bool> handle_one(const entry& e, std::string& done_marker);
  awaitable<bool> quarantine(const entry& e, const std::string& reason);
  // nullopt: go on and resolve; else the entry's ack verdict.
  awaitable<std::optional<bool>> enrich(const entry& e, core::lead_event& event);
  awaitable<void> trim();

  std::shared_ptr<store::redis_client> redis_;
  resolve_stage_options opts_;
  processed_handler on_processed_;
  resolve_stage_stats stats_;
  store::stream_consumer consumer_;  // after opts_: made from them
  runtime::loop loop_;
};

}  // namespace lg::pipeline
