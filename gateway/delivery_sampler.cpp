// See delivery_sampler.hpp.
#include "gateway/delivery_sampler.hpp"

#include "store/keys.hpp"

#include <charconv>

namespace lg::gateway {

std::shared_ptr<delivery_sampler> delivery_sampler::create(std::shared_ptr<store::redis_client> redis,
                                                           std::string tenant, std::vector<std::string> destinations,
                                                           std::chrono::milliseconds every) {
  return std::shared_ptr<delivery_sampler>(
      new delivery_sampler(std::move(redis), std::move(tenant), std::move(destinations), every));
}

delivery_sampler::delivery_sampler(std::shared_ptr<store::redis_client> redis, std::string tenant,
                                   std::vector<std::string> destinations, std::chrono::milliseconds every)
    : redis_(std::move(redis)), tenant_(std::move(tenant)), destinations_(std::move(destinations)), every_(every) {
  for (std::size_t i = 0; i < destinations_.size(); ++i) samples_.push_back(std::make_unique<destination_sample>());
}

void delivery_sampler::start() {
  if (running_.exchange(true)) return;
  stop_ = false;
  auto self = shared_from_this();
  asio::co_spawn(redis_->context(), [self]() { return self->run(); },
                 [self](std::exception_ptr) { self->running_ = false; });
}

void delivery_sampler::stop() {
  stop_ = true;
  if (timer_) timer_->cancel();
}

// The reply's integer; -1 when Redis did not answer with one (the gauge keeps its last value).
awaitable<long long> delivery_sampler::integer(std::vector<std::string> cmd) {
  auto r = co_await redis_->async_exec(std::move(cmd));
  if (!r || r->is_error()) co_return -1;
  co_return r->as_integer().value_or(-1);
}

awaitable<void> delivery_sampler::run() {
  timer_ = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor);
  // Commands are built before each co_await (GCC 12: no braced lists inside co_await).
  auto command = [](const char* verb, std::string key) { return std::vector<std::string>{verb, std::move(key)}; };
  while (!stop_) {
    auto cmd = command("XLEN", store::keys::outbox(tenant_));
    {
      const long long n = co_await integer(std::move(cmd));
      if (n >= 0) outbox_ = n;
    }
    for (std::size_t i = 0; i < destinations_.size() && !stop_; ++i) {
      const auto& d = destinations_[i];
      auto& s = *samples_[i];
      cmd = command("XLEN", store::keys::destination_stream(tenant_, d));
      {
        const long long n = co_await integer(std::move(cmd));
        if (n >= 0) s.stream = n;
      }
      cmd = command("HLEN", store::keys::delivery_parked(tenant_, d));
      {
        const long long n = co_await integer(std::move(cmd));
        if (n >= 0) s.parked = n;
      }
      cmd = command("XLEN", store::keys::dead_letters(tenant_, d));
      {
        const long long n = co_await integer(std::move(cmd));
        if (n >= 0) s.dead = n;
      }
      std::vector<std::string> head{"XRANGE", store::keys::destination_stream(tenant_, d), "-", "+", "COUNT", "1"};
      auto r = co_await redis_->async_exec(std::move(head));
      if (r && r->is_array()) {
        long long ms = 0;
        if (!r->elements.empty() && !r->elements[0].elements.empty()) {
          const std::string_view id = r->elements[0].elements[0].str;
          const auto part = id.substr(0, id.find('-'));
          std::from_chars(part.data(), part.data() + part.size(), ms);
        }
        s.oldest_ms = ms;
      }
    }
    if (stop_) break;
    timer_->expires_after(every_);
    boost::system::error_code ec;
    co_await timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  running_ = false;
}

}  // namespace lg::gateway
