// The IMAP mailbox pollers of `leadgate serve` (role "poll"): one per enabled email source with
// preset "imap", all on one thread and io_context of their own (no request or worker thread
// waits on a mail server). Each keeps (UIDVALIDITY, last UID) in lg:{t}:imap:<source>, fetches
// the messages after it with BODY.PEEK[] (never setting \Seen unless the source says so),
// turns each into a lead event and accepts it through the same durable accept as the
// webhooks (idempotency key "email:msgid:<Message-ID>", remembered dedupe_days), so a
// restart or a changed UIDVALIDITY (which rescans the mailbox from UID 1) never records a
// message twice. A message that does not parse goes to lg:{t}:quarantine and the mailbox
// moves on; one over max_message_bytes is fetched as its header only and recorded as a touch
// without its body. Between rounds it waits in IDLE when the server offers it (renewed before
// 29 minutes), else polls; a lost connection is retried with exponential backoff.
#pragma once

#include "adapters/email/imap_source.hpp"
#include "config/config.hpp"
#include "core/asio.hpp"
#include "store/redis_client.hpp"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace lg::pollers {

// What the pollers report as they go, by source (gateway/metrics.hpp counts them); each may be
// empty. Called on the poller's thread.
struct poll_observer {
  std::function<void(std::string_view source)> accepted, duplicate, quarantined;
  // A stored position was not a number: reset, the mailbox rescanned.
  std::function<void(std::string_view source)> position_reset;
};

struct imap_poller_counters {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> duplicates{0};
  std::atomic<std::uint64_t> quarantined{0};
  std::atomic<std::uint64_t> bodies_omitted{0};
  std::atomic<std::uint64_t> sessions{0};   // successful logins + SELECT
  std::atomic<std::uint64_t> failures{0};   // sessions that ended in an error
  std::atomic<std::uint64_t> idles{0};      // IDLE commands issued
  std::atomic<std::uint64_t> position_resets{0};  // corrupt stored positions reset to a rescan
};

class imap_pollers {
 public:
  // Reads every imap source's options; throws config::config_error naming the path.
  imap_pollers(const config::config& cfg, store::redis_options redis, poll_observer observer = {});
  ~imap_pollers();
  imap_pollers(const imap_pollers&) = delete;
  imap_pollers& operator=(const imap_pollers&) = delete;

  void start();
  // Closes the connections and joins the thread (bounded: a few seconds at most).
  void stop();

  std::size_t size() const noexcept;
  const imap_poller_counters& counters() const noexcept { return counters_; }

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
  imap_poller_counters counters_;
};

// The sources of `cfg` a poller runs for: enabled, channel email, preset imap.
bool is_imap_source(const config::source_config& src);

}  // namespace lg::pollers
