// The poll adapters of `leadgate serve` (http role): one Lead Ads poller per Facebook source
// with lead_forms, all on one thread with its own io_context and Redis connection. Each poller
// keeps its own schedule, so a failing source never stalls another. stop() is bounded.
#pragma once

#include "provider_apis/settings.hpp"
#include "pollers/lead_ads_poller.hpp"
#include "runtime/service_thread.hpp"
#include "store/redis_client.hpp"

#include <memory>
#include <vector>

namespace lg::pollers {

class poll_service {
 public:
  poll_service(store::redis_options redis, const provider_apis::api_settings& settings, lead_ads_poller_options opts);
  ~poll_service();
  poll_service(const poll_service&) = delete;
  poll_service& operator=(const poll_service&) = delete;

  void start();
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));
  std::size_t size() const noexcept { return pollers_.size(); }

 private:
  runtime::service_thread service_{"lead ads pollers"};
  std::shared_ptr<store::redis_client> client_;
  std::vector<std::shared_ptr<lead_ads_poller>> pollers_;
  bool started_ = false;
};

}  // namespace lg::pollers
