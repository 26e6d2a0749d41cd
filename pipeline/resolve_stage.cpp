// The resolve stage (see resolve_stage.hpp).
#include "pipeline/resolve_stage.hpp"

#include "core/error.hpp"
#include "logging/logging.hpp"
#include "pipeline/inbound_entry.hpp"
#include "store/enrich_state.hpp"
#include "store/keys.hpp"
#include "store/quarantine.hpp"

#include <unistd.h>

#include <optional>
#include <random>
#include <utility>

namespace lg::pipeline {

std::string default_consumer_name() {
  static std::atomic<unsigned> counter{0};
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) std::snprintf(host, sizeof(host), "unknown");
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(counter++);
}

store::consumer_options resolve_stage::consumer_options_of(resolve_stage_options& o) {
  if (o.consumer.empty()) o.consumer = default_consumer_name();
  // From "0": entries accepted before any worker ran are processed too.
  return {.stream = store::keys::inbound(o.tenant), .group = o.group, .consumer = o.consumer, .start = "0",
          .batch = o.batch, .block = o.block};
}

std::shared_ptr<resolve_stage> resolve_stage::create(std::shared_ptr<store::redis_client> redis,
                                                       resolve_stage_options opts,
                                                       processed_handler on_processed) {
  return std::shared_ptr<resolve_stage>(
      new resolve_stage(std::move(redis), std::move(opts), std::move(on_processed)));
}

resolve_stage::resolve_stage(std::shared_ptr<store::redis_client> redis,
                               resolve_stage_options opts, processed_handler on_processed)
    : redis_(std::move(redis)),
      opts_(std::move(opts)),
      on_processed_(std::move(on_processed)),
      consumer_(*redis_, consumer_options_of(opts_)),
      loop_(redis_->context().get_executor()) {
  opts_.resolve.tenant = opts_.tenant;
  opts_.resolve.default_team = opts_.default_team;
  if (opts_.clock == nullptr) opts_.clock = &core::real_time();
}

void resolve_stage::start() { loop_.start(run(), "resolve stage " + opts_.consumer, shared_from_this()); }

void resolve_stage::stop() { loop_.stop(); }

awaitable<void> resolve_stage::run() {
  while (!loop_.stopping() && !co_await consumer_.async_ensure_group()) co_await loop_.pause(opts_.retry_backoff);
  auto now = std::chrono::steady_clock::now;
  // The first claim pass runs at once: a restarted worker picks up what its previous life left.
  auto next_claim = now();
  auto next_trim = now() + opts_.trim_interval;
  while (!loop_.stopping()) {
    if (now() >= next_claim) {
      co_await claim_dead();
      next_claim = now() + opts_.claim_interval;
    }
    co_await read_new();
    if (now() >= next_trim) {
      co_await trim();
      next_trim = now() + opts_.trim_interval;
    }
  }
}

awaitable<void> resolve_stage::claim_dead() {
  std::string cursor = "0-0";
  // Bounded per pass so new entries are not starved behind a long backlog of orphans.
  for (int round = 0; round < 10 && !loop_.stopping(); ++round) {
    auto claimed = co_await consumer_.async_claim(opts_.claim_idle, cursor);
    if (!claimed) {
      ++stats_.errors;
      co_return;
    }
    stats_.claimed += claimed->entries.size();
    if (!claimed->entries.empty()) co_await handle_batch(std::move(claimed->entries));
    cursor = claimed->next;
    if (cursor == "0-0") co_return;
  }
}

awaitable<void> resolve_stage::read_new() {
  auto entries = co_await consumer_.async_read();
  if (!entries) {
    ++stats_.errors;
    logging::warn("resolve stage: read failed", {{"reason", entries.error().message}});
    co_await loop_.pause(opts_.retry_backoff);
    co_return;
  }
  co_await handle_batch(std::move(*entries));
}

awaitable<void> resolve_stage::handle_batch(std::vector<entry> entries) {
  const std::size_t n = entries.size();
  if (n == 0) co_return;
  // All entries of the batch are resolved at once: hiredis pipelines the EVALSHAs on the one
  // connection, and Redis runs each script alone, in order.
  std::vector<char> ack(n, 0);
  std::vector<std::string> markers(n);
  co_await store::async_fan_out(
      n,
      [&](std::size_t i) -> awaitable<void> {
        ack[i] = entries[i].deleted ? 1 : co_await handle_one(entries[i], markers[i]);
      },
      [&](std::size_t, std::exception_ptr ep) {
        ++stats_.errors;
        logging::error("resolve stage: entry failed", {{"reason", core::exception_text(ep)}});
      });
  std::vector<std::string> ids, done;
  for (std::size_t i = 0; i < n; ++i) {
    if (!ack[i]) continue;
    ids.push_back(entries[i].id);
    if (!markers[i].empty()) done.push_back(markers[i]);
  }
  // The markers only guard the window between the effects and the XACK; once acked, an entry is
  // never delivered again, so they go (their TTL is the fallback after a crash). A failed ack
  // leaves the effects written: the redelivery meets the done markers.
  if (!ids.empty() && !co_await consumer_.async_ack(std::move(ids), std::move(done))) ++stats_.errors;
}

awaitable<bool> resolve_stage::handle_one(const entry& e, std::string& done_marker) {
  auto event = read_inbound_event(e, opts_.event_field);
  if (!event) co_return co_await quarantine(e, event.error());
  processed_event out;
  out.event = std::move(*event);
  if (opts_.enrich && out.event.extra.contains("needs_fetch")) {
    if (auto verdict = co_await enrich(e, out.event)) co_return *verdict;
  }

  auto res = co_await store::async_resolve(*redis_, out.event, opts_.resolve);
  if (!res) {
    if (res.error().code == core::errc::unavailable || res.error().code == core::errc::timeout) {
      ++stats_.errors;
      co_return false;  // stays pending; claimed again after claim_idle
    }
    co_return co_await quarantine(e, "resolve failed: " + res.error().message);
  }
  if (res->duplicate) ++stats_.duplicates; else ++stats_.processed;
  done_marker = store::done_key(opts_.tenant, out.event.event_id);
  out.stream_id = e.id;
  out.contact = std::move(*res);
  if (on_processed_) on_processed_(out);
  if (opts_.route) {
    std::expected<void, core::error> routed;
    try {
      routed = co_await opts_.route(out);
    } catch (const std::exception& ex) {
      routed = std::unexpected(core::make_error(core::errc::internal, ex.what()));
    }
    if (!routed) {
      // Pending until claimed again; the done marker makes that run a duplicate that reaches
      // route with the same contact info.
      ++stats_.route_failures;
      logging::warn("resolve stage: route failed, retried", {{"entry", e.id}, {"reason", routed.error().message}});
      co_return false;
    }
    ++stats_.routed;
  }
  co_return true;
}

awaitable<bool> resolve_stage::quarantine(const entry& e, const std::string& reason) {
  const auto q = inbound_quarantine_entry(e, opts_.event_field, opts_.tenant, reason);
  auto r = co_await store::async_quarantine(*redis_, q);
  if (!r) {
    ++stats_.errors;
    co_return false;  // not kept anywhere yet: leave it pending
  }
  ++stats_.quarantined;
  logging::warn("event quarantined", {{"entry", e.id}, {"reason", reason}});
  co_return true;
}

awaitable<std::optional<bool>> resolve_stage::enrich(const entry& e, core::lead_event& event) {
  auto state = co_await store::async_enrich_attempts(*redis_, opts_.tenant, event.event_id);
  if (!state) {
    ++stats_.errors;
    co_return false;
  }
  const std::int64_t now_ms = opts_.clock->now_ms();
  if (state->due_ms > now_ms) co_return false;  // backing off: stays pending, claimed again later

  enrich_outcome out;
  try {
    out = co_await opts_.enrich(event);
  } catch (const std::exception& ex) {
    out = enrich_outcome{enrich_outcome::retry, ex.what()};
  }
  if (out.status == enrich_outcome::done) {
    ++stats_.enriched;
    if (state->tries > 0) co_await store::async_enrich_done(*redis_, opts_.tenant, event.event_id);
    co_return std::nullopt;
  }
  if (out.status == enrich_outcome::failed) {
    ++stats_.enrich_failures;
    co_return co_await quarantine(e, "enrichment failed: " + out.reason);
  }
  ++stats_.enrich_retries;
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto next = next_enrich_attempt(*state, now_ms, {opts_.enrich_backoff, opts_.enrich_backoff_max},
                                        std::uniform_real_distribution<double>(0.0, 1.0)(rng));
  co_await store::async_enrich_failed(*redis_, opts_.tenant, event.event_id, next);
  logging::warn("enrichment failed, retried later", {{"entry", e.id},
                                                      {"attempt", std::to_string(next.tries)},
                                                      {"retry_in_ms", std::to_string(next.due_ms - now_ms)},
                                                      {"reason", out.reason}});
  co_return false;
}

awaitable<void> resolve_stage::trim() {
  auto trimmed = co_await consumer_.async_trim_processed();
  if (trimmed) stats_.trimmed += *trimmed;
}

}  // namespace lg::pipeline
