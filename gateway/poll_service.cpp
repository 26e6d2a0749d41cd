// See poll_service.hpp.
#include "gateway/poll_service.hpp"

#include <spdlog/spdlog.h>

namespace lg::gateway {

poll_service::poll_service(store::redis_options redis, const channels::enrich_settings& settings,
                           lead_poller_options opts) {
  opts.tenant = settings.tenant;
  for (const auto& [id, api] : settings.facebook) {
    if (api.lead_forms.empty()) continue;
    if (!client_) client_ = store::redis_client::create(ioc_, redis);
    pollers_.push_back(lead_poller::create(client_, api, opts));
  }
}

poll_service::~poll_service() { stop(); }

void poll_service::start() {
  if (started_ || pollers_.empty()) return;
  started_ = true;
  client_->start();
  for (auto& p : pollers_) p->start();
  thread_ = std::thread([this] {
    try {
      ioc_.run();
    } catch (const std::exception& e) {
      spdlog::error("poll thread ended: {}", e.what());
    }
  });
}

void poll_service::stop(std::chrono::milliseconds grace) {
  if (!started_) return;
  started_ = false;
  for (auto& p : pollers_) p->stop();
  const auto deadline = std::chrono::steady_clock::now() + grace;
  for (auto& p : pollers_) {
    while (p->running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  asio::post(ioc_, [c = client_] { c->stop(); });
  asio::post(ioc_, [this] { ioc_.stop(); });
  if (thread_.joinable()) thread_.join();
}

}  // namespace lg::gateway
