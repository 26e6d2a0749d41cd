// See worker_pool.hpp.
#include "pipeline/worker_pool.hpp"

#include "logging/logging.hpp"
#include "store/startup.hpp"

#include <variant>

namespace lg::pipeline {

namespace {

// Seeds the teams on a short-lived connection, bounded by `limit`. Teams already in Redis are
// kept: admins edit them there (admin API), and this process's copy may be the config's.
bool seed_teams(const store::redis_options& redis, assign_stage& stage, std::chrono::milliseconds limit) {
  auto r = store::run_at_startup<std::monostate>(redis, limit, [&](store::redis_client& c) -> awaitable<std::expected<std::monostate, core::error>> {
    auto seeded = co_await stage.async_seed(c, false);
    if (!seeded) co_return std::unexpected(seeded.error());
    co_return std::monostate{};
  });
  if (!r) logging::warn("teams not seeded into Redis; assignments retry until they are", {{"reason", r.error().message}});
  return r.has_value();
}

}  // namespace

worker_pool::worker_pool(store::redis_options redis, resolve_stage_options opts, unsigned workers,
                         std::shared_ptr<assign_stage> stage,
                         std::shared_ptr<const provider_apis::api_settings> enrich)
    : redis_(std::move(redis)), opts_(std::move(opts)), stage_(std::move(stage)), enrich_(std::move(enrich)) {
  // The BLOCK wait must end before the command timeout, or every idle wait is an "error".
  if (opts_.block >= redis_.command_timeout) opts_.block = redis_.command_timeout / 2;
  for (unsigned i = 0; i < workers; ++i) slots_.push_back(std::make_unique<slot>());
}

worker_pool::~worker_pool() { stop(); }

void worker_pool::start() {
  if (started_) return;
  started_ = true;
  if (stage_ && !slots_.empty()) seed_teams(redis_, *stage_, std::chrono::seconds(5));
  for (auto& s : slots_) {
    auto& ioc = s->service.context();
    s->client = store::redis_client::create(ioc, redis_);
    auto opts = opts_;
    opts.consumer.clear();
    if (stage_) opts.route = stage_->route(s->client);
    if (enrich_ && !enrich_->empty()) {
      s->enricher = std::make_unique<pipeline::enrich_stage>(ioc.get_executor(), *s->client, enrich_);
      opts.enrich = [e = s->enricher.get()](core::lead_event& ev) { return e->async_enrich(ev); };
    }
    s->worker = resolve_stage::create(s->client, std::move(opts));
    s->client->start();
    s->worker->start();
    if (stage_ && s == slots_.front()) stage_->start_sweeper(s->client);
    s->service.start();
  }
}

void worker_pool::stop(std::chrono::milliseconds grace) {
  if (!started_) return;
  started_ = false;
  // Every worker finishes the batch in hand at once; then its connection closes and its thread ends.
  for (auto& s : slots_) {
    const bool sweeper = stage_ && s == slots_.front();
    s->service.begin_stop([this, raw = s.get(), sweeper]() -> awaitable<void> {
      raw->worker->stop();
      if (sweeper) co_await stage_->async_stop_sweeper();
      co_await raw->worker->async_ended();
      raw->client->stop();
    });
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto& s : slots_) {
    if (!s->service.finish_stop(deadline))
      logging::warn("resolve stage did not finish its batch in time", {{"consumer", s->worker->consumer()}});
  }
}

processing_totals worker_pool::totals() const noexcept {
  processing_totals t;
  for (const auto& s : slots_) {
    if (!s->worker) continue;
    const auto& w = s->worker->stats();
    t.resolved += w.processed.load();
    t.duplicate += w.duplicates.load();
    t.quarantined += w.quarantined.load();
    t.retry += w.errors.load() + w.route_failures.load() + w.enrich_retries.load();
    t.claimed += w.claimed.load();
  }
  return t;
}

}  // namespace lg::pipeline
