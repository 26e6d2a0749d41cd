// See worker_pool.hpp.
#include "gateway/worker_pool.hpp"

#include <spdlog/spdlog.h>

#include <future>

namespace lg::gateway {

namespace {

// Seeds the teams on a short-lived connection, bounded by `limit`. Teams already in Redis are
// kept: admins edit them there (admin API), and this process's copy may be the config's.
bool seed_teams(const store::redis_options& redis, assign_stage& stage, std::chrono::milliseconds limit) {
  asio::io_context ioc;
  auto client = store::redis_client::create(ioc, redis);
  client->start();
  auto result = asio::co_spawn(
      ioc,
      [&]() -> awaitable<std::expected<void, core::error>> {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
          auto r = co_await stage.async_seed(*client, false);
          if (r || std::chrono::steady_clock::now() >= deadline) {
            client->stop();
            co_return r;
          }
          asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(200));
          co_await t.async_wait(asio::use_awaitable);
        }
      },
      asio::use_future);
  ioc.run_for(limit + std::chrono::seconds(1));
  if (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    spdlog::warn("teams not seeded into Redis yet (Redis unreachable?); assignments retry until they are");
    return false;
  }
  auto r = result.get();
  if (!r) spdlog::warn("teams not seeded into Redis: {}; assignments retry until they are", r.error().message);
  return r.has_value();
}

}  // namespace

worker_pool::worker_pool(store::redis_options redis, process_worker_options opts, unsigned workers,
                         std::shared_ptr<assign_stage> stage,
                         std::shared_ptr<const channels::enrich_settings> enrich)
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
    s->client = store::redis_client::create(s->ioc, redis_);
    auto opts = opts_;
    opts.consumer.clear();
    if (stage_) opts.route = stage_->route(s->client);
    if (enrich_ && !enrich_->empty()) {
      s->enricher = std::make_unique<channels::enricher>(s->ioc.get_executor(), *s->client, enrich_);
      opts.enrich = [e = s->enricher.get()](core::lead_event& ev) { return e->async_enrich(ev); };
    }
    s->worker = process_worker::create(s->client, std::move(opts));
    s->client->start();
    s->worker->start();
    if (stage_ && s == slots_.front()) stage_->start_sweeper(s->client);
    s->thread = std::thread([raw = s.get()] {
      try {
        raw->ioc.run();
      } catch (const std::exception& e) {
        spdlog::error("process worker thread ended: {}", e.what());
      }
    });
  }
}

void worker_pool::stop(std::chrono::milliseconds grace) {
  if (!started_) return;
  started_ = false;
  if (stage_) stage_->stop();
  for (auto& s : slots_) {
    asio::post(s->ioc, [w = s->worker] { w->stop(); });
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto& s : slots_) {
    while (s->worker->running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (s->worker->running()) spdlog::warn("process worker {} did not finish its batch in time", s->worker->consumer());
    // Handlers run in order: the connection closes, then the context (the SLA timer may still wait).
    asio::post(s->ioc, [c = s->client] { c->stop(); });
    asio::post(s->ioc, [ioc = &s->ioc] { ioc->stop(); });
    if (s->thread.joinable()) s->thread.join();
  }
}

metrics::processing_totals worker_pool::totals() const noexcept {
  metrics::processing_totals t;
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

}  // namespace lg::gateway
