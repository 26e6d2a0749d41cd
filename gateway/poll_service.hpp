// The poll adapters of `leadgate serve` (http role): one Lead Ads poller per Facebook source
// with lead_forms, all on one thread with its own io_context and Redis connection. Each poller
// keeps its own schedule, so a failing source never stalls another. stop() is bounded.
#pragma once

#include "channels/enricher.hpp"
#include "gateway/lead_poller.hpp"
#include "store/redis_client.hpp"

#include <memory>
#include <thread>
#include <vector>

namespace lg::gateway {

class poll_service {
 public:
  poll_service(store::redis_options redis, const channels::enrich_settings& settings, lead_poller_options opts);
  ~poll_service();
  poll_service(const poll_service&) = delete;
  poll_service& operator=(const poll_service&) = delete;

  void start();
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  std::size_t size() const noexcept { return pollers_.size(); }

 private:
  asio::io_context ioc_;
  std::shared_ptr<store::redis_client> client_;
  std::vector<std::shared_ptr<lead_poller>> pollers_;
  std::thread thread_;
  bool started_ = false;
};

}  // namespace lg::gateway
