// The local spool: where the request path puts an accepted lead while Redis cannot take it,
// so that a 2xx still means the lead survives a crash (README.md of this folder).
//
// One directory per process (a lock file keeps a second process out). Records go to numbered
// segment files (record.hpp); one writer thread appends them in batches — every append that
// arrives while the previous batch is being synced joins the next one, so one fdatasync covers
// the appends of a few milliseconds (group commit). An append completes only after its batch is
// on disk. The drainer (drainer.hpp) takes the oldest segment, replays it into Redis and then
// removes it. At open, a torn tail left by a crash is cut off and counted, never read as a lead.
//
// Bounds: max_bytes on disk and max_age of the oldest waiting lead; past either, an append is
// refused (errc::unavailable: the HTTP layer answers 503 with Retry-After), as is one the disk
// refuses (full, read-only).
#pragma once

#include "core/asio.hpp"
#include "core/error.hpp"
#include "core/time_source.hpp"
#include "spool/record.hpp"
#include "store/inbound_log.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <expected>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace lg::spool {

struct spool_options {
  std::filesystem::path dir;
  std::uint64_t max_bytes = 256ull << 20;
  std::chrono::seconds max_age{std::chrono::hours(24)};
  std::uint64_t segment_bytes = 4ull << 20;  // a segment is closed past this size
};

// What /metrics and /readyz show; totals are since the process started.
struct spool_report {
  std::uint64_t records = 0;  // waiting to be drained
  std::uint64_t bytes = 0;    // on disk
  std::int64_t oldest_ms = 0;  // when the oldest waiting lead was spooled; 0 when none
  std::uint64_t appended = 0;
  std::uint64_t drained = 0;
  std::uint64_t refused = 0;       // appends past a bound
  std::uint64_t write_errors = 0;  // appends the disk refused
  std::uint64_t syncs = 0;         // fdatasync calls (appended / syncs: the group commit's batch)
  std::uint64_t torn_tails = 0;    // segments cut at open
  std::uint64_t torn_bytes = 0;
};

// The oldest segment, for the drainer.
struct segment_batch {
  std::uint64_t seq = 0;
  std::vector<spooled_lead> leads;
};

class spool {
 public:
  // Creates `dir` if needed, takes its lock, reads what an earlier run left (cutting torn tails)
  // and starts the writer thread. Errors: the directory cannot be used, or another process has it.
  static std::expected<std::shared_ptr<spool>, core::error> open(spool_options opts,
                                                                 const core::time_source& clock = core::real_time());
  ~spool();
  spool(const spool&) = delete;
  spool& operator=(const spool&) = delete;

  // Writes `req` and returns once it is on disk. Any thread, from a coroutine.
  awaitable<std::expected<void, core::error>> async_append(store::accept_request req);

  // True while some lead waits to be drained (the request path then spools too, to keep order).
  bool pending() const noexcept { return records_.load() > 0; }
  // True past max_age, or with less than 64 KiB left under max_bytes (the /readyz verdict).
  bool full() const noexcept;
  spool_report report() const;
  const spool_options& options() const noexcept { return opts_; }

  // The drainer's side (one drainer at a time). The oldest segment with its leads in order; the
  // segment being written is closed first when it is the oldest. nullopt: nothing waits.
  std::expected<std::optional<segment_batch>, core::error> oldest_segment();
  // Segment `seq` reached Redis: its file is removed.
  void drained(std::uint64_t seq);

 private:
  struct segment {
    std::uint64_t seq = 0;
    std::uint64_t bytes = 0;
    std::uint64_t records = 0;
    std::int64_t oldest_ms = 0;
  };
  struct append_wait;
  struct queued {
    std::string bytes;
    std::int64_t at_ms = 0;
    asio::any_io_executor ex;
    std::shared_ptr<append_wait> wait;
  };

  spool(spool_options opts, const core::time_source& clock);
  std::optional<core::error> recover();
  void write_loop();
  std::expected<void, core::error> write_batch(const std::vector<queued>& batch);
  std::expected<void, core::error> open_segment();
  std::filesystem::path segment_path(std::uint64_t seq) const;
  void close_current();
  void refresh_oldest();  // with files_mu_ held

  spool_options opts_;
  const core::time_source& clock_;
  int lock_fd_ = -1;
  int dir_fd_ = -1;

  // The segments on disk, oldest first; the last one is being written when fd_ >= 0.
  mutable std::mutex files_mu_;
  std::deque<segment> segments_;
  int fd_ = -1;
  std::uint64_t next_seq_ = 1;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::vector<queued> queue_;
  bool stop_ = false;
  std::thread writer_;

  std::atomic<std::uint64_t> records_{0};
  std::atomic<std::uint64_t> bytes_{0};
  // The bytes max_bytes bounds: on disk plus admitted and not yet written (an admission adds
  // before it checks, so two appends never both take the last room).
  std::atomic<std::uint64_t> reserved_bytes_{0};
  std::atomic<std::int64_t> oldest_ms_{0};
  std::atomic<std::uint64_t> appended_{0}, drained_{0}, refused_{0}, write_errors_{0}, syncs_{0}, torn_tails_{0},
      torn_bytes_{0};
};

}  // namespace lg::spool
