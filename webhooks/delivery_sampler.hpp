// What /metrics shows of each destination's backlog, read from Redis every few seconds on the
// delivery thread (a scrape must not wait for Redis): entries waiting in the destination
// stream and parked for a retry, the age of the oldest one in the stream, dead letters kept,
// and the outbox length (writers refuse new changes when it reaches its limit).
#pragma once

#include "core/asio.hpp"
#include "runtime/loop.hpp"
#include "store/redis_client.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace lg::webhooks {

struct destination_sample {
  std::atomic<long long> stream{0}, parked{0}, dead{0};
  std::atomic<long long> oldest_ms{0};  // id time of the stream's oldest entry; 0: none
};

class delivery_sampler : public std::enable_shared_from_this<delivery_sampler> {
 public:
  static std::shared_ptr<delivery_sampler> create(std::shared_ptr<store::redis_client> redis, std::string tenant,
                                                  std::vector<std::string> destinations,
                                                  std::chrono::milliseconds every = std::chrono::seconds(2));
  void start();  // on the client's io_context
  void stop();   // call on the io_context's thread
  bool running() const noexcept { return loop_.running(); }
  // Returns once the loop has ended (on its io_context).
  awaitable<void> async_ended() { return loop_.async_ended(); }

  const destination_sample& at(std::size_t i) const { return *samples_[i]; }
  long long outbox_length() const noexcept { return outbox_; }

 private:
  delivery_sampler(std::shared_ptr<store::redis_client> redis, std::string tenant, std::vector<std::string> destinations,
                   std::chrono::milliseconds every);
  awaitable<void> run();

  std::shared_ptr<store::redis_client> redis_;
  std::string tenant_;
  std::vector<std::string> destinations_;
  std::chrono::milliseconds every_;
  std::vector<std::unique_ptr<destination_sample>> samples_;
  std::atomic<long long> outbox_{0};
  runtime::loop loop_;
};

}  // namespace lg::webhooks
