// See worker_pool.hpp.
#include "gateway/worker_pool.hpp"

#include <spdlog/spdlog.h>

namespace lg::gateway {

worker_pool::worker_pool(store::redis_options redis, process_worker_options opts, unsigned workers)
    : redis_(std::move(redis)), opts_(std::move(opts)) {
  // The BLOCK wait must end before the command timeout, or every idle wait is an "error".
  if (opts_.block >= redis_.command_timeout) opts_.block = redis_.command_timeout / 2;
  for (unsigned i = 0; i < workers; ++i) slots_.push_back(std::make_unique<slot>());
}

worker_pool::~worker_pool() { stop(); }

void worker_pool::start() {
  if (started_) return;
  started_ = true;
  for (auto& s : slots_) {
    s->client = store::redis_client::create(s->ioc, redis_);
    auto opts = opts_;
    opts.consumer.clear();
    s->worker = process_worker::create(s->client, std::move(opts));
    s->client->start();
    s->worker->start();
    s->thread = std::thread([raw = s.get()] {
      try {
        raw->ioc.run();
      } catch (const std::exception& e) {
        spdlog::error("process worker thread ended: {}", e.what());
      }
      raw->done = true;
    });
  }
}

void worker_pool::stop(std::chrono::milliseconds grace) {
  if (!started_) return;
  started_ = false;
  for (auto& s : slots_) {
    asio::post(s->ioc, [w = s->worker] { w->stop(); });
  }
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto& s : slots_) {
    while (s->worker->running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (s->worker->running()) spdlog::warn("process worker {} did not finish its batch in time", s->worker->consumer());
    asio::post(s->ioc, [c = s->client] { c->stop(); });
    // Closing the connection leaves the context without work; stop it anyway if something lingers.
    const auto closing = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!s->done && std::chrono::steady_clock::now() < closing)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    s->ioc.stop();
    if (s->thread.joinable()) s->thread.join();
  }
}

std::uint64_t worker_pool::processed() const noexcept {
  std::uint64_t n = 0;
  for (const auto& s : slots_)
    if (s->worker) n += s->worker->stats().processed.load();
  return n;
}

}  // namespace lg::gateway
