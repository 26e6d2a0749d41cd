// See drainer.hpp.
#include "spool/drainer.hpp"

#include "core/backoff.hpp"
#include "core/time_format.hpp"
#include "logging/logging.hpp"
#include "store/quarantine.hpp"
#include "store/stream_consumer.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <random>
#include <vector>

namespace lg::spool {
namespace {

bool retryable(const core::error& e) { return e.code == core::errc::unavailable || e.code == core::errc::timeout; }

}  // namespace

drainer::drainer(std::shared_ptr<spool> sp, store::redis_options redis, drainer_options opts)
    : spool_(std::move(sp)),
      opts_(opts),
      client_(store::redis_client::create(service_.context(), std::move(redis))),
      loop_(service_.context().get_executor()) {}

drainer::~drainer() { stop(); }

void drainer::start() {
  if (started_) return;
  started_ = true;
  asio::post(service_.context(), [this] {
    client_->start();
    loop_.start(run(), "spool drainer", nullptr);
  });
  service_.start();
}

void drainer::stop(std::chrono::milliseconds grace) {
  if (!started_) return;
  started_ = false;
  service_.stop(grace, [this]() -> awaitable<void> {
    loop_.stop();
    co_await loop_.async_ended();
    client_->stop();
  });
}

awaitable<void> drainer::run() {
  std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  unsigned failures = 0;
  while (!loop_.stopping()) {
    if (!spool_->pending()) {
      co_await loop_.pause(opts_.idle);
      continue;
    }
    auto batch = spool_->oldest_segment();
    if (batch && *batch && co_await replay(**batch)) {
      spool_->drained((*batch)->seq);
      failures = 0;
      continue;
    }
    if (!batch) logging::error("spool: cannot read a segment", {{"error", batch.error().message}});
    co_await loop_.pause(core::backoff_delay(opts_.retry_min, opts_.retry_max, failures++, unit(rng)));
  }
}

awaitable<bool> drainer::replay(const segment_batch& batch) {
  const auto& leads = batch.leads;
  std::size_t next = batch.seq == resume_seq_ ? std::min(resume_at_, leads.size()) : 0;
  std::vector<std::optional<core::error>> errors;
  while (next < leads.size()) {
    if (loop_.stopping()) co_return false;
    const std::size_t n = std::min(opts_.window, leads.size() - next);
    errors.assign(n, std::nullopt);
    // One connection carries the window's accepts in the order they are issued, so Redis applies
    // them in spool order.
    co_await store::async_fan_out(
        n,
        [&](std::size_t i) -> awaitable<void> {
          auto req = leads[next + i].accept;
          req.min_replicas_ack = opts_.min_replicas_ack;
          req.replica_ack_timeout = opts_.replica_ack_timeout;
          auto r = co_await store::async_accept(*client_, req);
          if (!r) errors[i] = std::move(r.error());
        },
        [&](std::size_t i, std::exception_ptr) {
          errors[i] = core::make_error(core::errc::internal, "accept threw");
        });
    for (std::size_t i = 0; i < n; ++i) {
      if (!errors[i]) continue;
      if (retryable(*errors[i])) {
        // Redis is away: this window waits and is replayed whole (the keys make that harmless).
        resume_seq_ = batch.seq;
        resume_at_ = next;
        co_return false;
      }
      // Redis refused this lead for what it is: keep it for an admin instead of dropping it.
      const auto& lead = leads[next + i];
      store::quarantine_entry q;
      q.tenant = lead.accept.tenant;
      q.stage = "spool";
      q.reason = "the spooled lead was refused: " + errors[i]->message;
      q.received_at = core::rfc3339_from_unix_ms(lead.spooled_at_ms).value_or("");
      q.body = lead.accept.event_json;
      q.headers = nlohmann::json{{"lead_id", lead.accept.lead_id}, {"idempotency_key", lead.accept.idempotency_key}}.dump();
      auto kept = co_await store::async_quarantine(*client_, q);
      if (!kept) co_return false;
      logging::error("spool: a spooled lead was refused and quarantined",
                     {{"lead_id", lead.accept.lead_id}, {"error", errors[i]->message}});
    }
    next += n;
  }
  co_return true;
}

}  // namespace lg::spool
