// See delivery_sampler.hpp.
#include "webhooks/delivery_sampler.hpp"

#include "store/delivery_queue.hpp"


namespace lg::webhooks {

std::shared_ptr<delivery_sampler> delivery_sampler::create(std::shared_ptr<store::redis_client> redis,
                                                           std::string tenant, std::vector<std::string> destinations,
                                                           std::chrono::milliseconds every) {
  return std::shared_ptr<delivery_sampler>(
      new delivery_sampler(std::move(redis), std::move(tenant), std::move(destinations), every));
}

delivery_sampler::delivery_sampler(std::shared_ptr<store::redis_client> redis, std::string tenant,
                                   std::vector<std::string> destinations, std::chrono::milliseconds every)
    : redis_(std::move(redis)),
      tenant_(std::move(tenant)),
      destinations_(std::move(destinations)),
      every_(every),
      loop_(redis_->context().get_executor()) {
  for (std::size_t i = 0; i < destinations_.size(); ++i) samples_.push_back(std::make_unique<destination_sample>());
}

void delivery_sampler::start() { loop_.start(run(), "delivery sampler", shared_from_this()); }

void delivery_sampler::stop() { loop_.stop(); }

awaitable<void> delivery_sampler::run() {
  while (!loop_.stopping()) {
    if (auto n = co_await store::async_outbox_length(*redis_, tenant_)) outbox_ = *n;
    for (std::size_t i = 0; i < destinations_.size() && !loop_.stopping(); ++i) {
      store::delivery_queue queue(*redis_, tenant_, destinations_[i]);
      auto b = co_await queue.async_backlog();
      if (!b) continue;  // Redis failed: the last sample stays
      auto& s = *samples_[i];
      s.stream = b->stream;
      s.parked = b->parked;
      s.dead = b->dead;
      s.oldest_ms = b->oldest_ms;
    }
    co_await loop_.pause(every_);
  }
}

}  // namespace lg::webhooks
