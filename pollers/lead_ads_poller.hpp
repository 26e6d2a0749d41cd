// The Lead Ads poller: for a Facebook source with `lead_forms`, reads each form's leads created
// since a cursor (GET /{form_id}/leads, time_created filter, following paging.next), accepts
// each lead through the same durable accept as the webhook, under the same idempotency key
// "facebook:lead:<leadgen_id>", so a lead whose webhook never came is captured once and one
// that came both ways is recorded once. The cursor (lg:{t}:cursor:fbleads:<source>:<form>,
// unix seconds) advances only after every page of the run was accepted: Graph lists newest
// first, so advancing after the first page could skip the older leads of a later one if the
// run stopped half-way. A run that fails leaves the cursor and is retried with backoff; the
// next query overlaps the cursor by a second, duplicates being answered by the idempotency key.
//
// Each poller has its own schedule (poll_interval ± jitter) and coroutine, so one failing
// source never stalls another. Runs on the io_context of the given Redis client.
#pragma once

#include "provider_apis/graph.hpp"
#include "core/asio.hpp"
#include "runtime/loop.hpp"
#include "store/inbound_log.hpp"
#include "store/redis_client.hpp"
#include "http/client.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <string>

namespace lg::pollers {

struct lead_ads_poller_options {
  std::string tenant = "default";
  store::accept_limits limits;  // the accept's backlog bound and replica acknowledgement (redis section)
  std::size_t max_pages = 50;                  // per form and run
  double jitter = 0.1;                         // ± share of the interval
  std::chrono::milliseconds error_backoff{5000};  // after a failed run; doubles up to the interval
};

struct lead_ads_poller_stats {
  std::atomic<std::uint64_t> runs{0};
  std::atomic<std::uint64_t> failed_runs{0};
  std::atomic<std::uint64_t> pages{0};
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> duplicates{0};
};

std::string lead_cursor_key(std::string_view tenant, std::string_view source, std::string_view form);

class lead_ads_poller : public std::enable_shared_from_this<lead_ads_poller> {
 public:
  static std::shared_ptr<lead_ads_poller> create(std::shared_ptr<store::redis_client> redis,
                                             provider_apis::graph::api_options api, lead_ads_poller_options opts = {});

  // One run over every form. Returns the number of leads accepted (not duplicates).
  awaitable<std::expected<std::size_t, provider_apis::api_error>> async_poll_once();

  // The schedule: a first run at once, then every poll_interval (± jitter), backing off after
  // failures. stop() ends it after the run in hand.
  void start();
  void stop();  // on the poller's io_context
  bool running() const noexcept { return loop_.running(); }
  awaitable<void> async_ended() { return loop_.async_ended(); }

  const lead_ads_poller_stats& stats() const noexcept { return stats_; }
  const std::string& source() const noexcept { return api_.source; }

 private:
  lead_ads_poller(std::shared_ptr<store::redis_client> redis, provider_apis::graph::api_options api, lead_ads_poller_options opts);
  awaitable<std::expected<std::size_t, provider_apis::api_error>> poll_form(std::string form);
  awaitable<void> schedule();

  std::shared_ptr<store::redis_client> redis_;
  provider_apis::graph::api_options api_;
  lead_ads_poller_options opts_;
  net::http_client http_;
  lead_ads_poller_stats stats_;
  runtime::loop loop_;
};

}  // namespace lg::pollers
