// See poll_service.hpp.
#include "pollers/poll_service.hpp"

namespace lg::pollers {

poll_service::poll_service(store::redis_options redis, const provider_apis::api_settings& settings,
                           lead_ads_poller_options opts) {
  opts.tenant = settings.tenant;
  for (const auto& [id, api] : settings.facebook) {
    if (api.lead_forms.empty()) continue;
    if (!client_) client_ = store::redis_client::create(service_.context(), redis);
    pollers_.push_back(lead_ads_poller::create(client_, api, opts));
  }
}

poll_service::~poll_service() { stop(); }

void poll_service::start() {
  if (started_ || pollers_.empty()) return;
  started_ = true;
  client_->start();
  for (auto& p : pollers_) p->start();
  service_.start();
}

void poll_service::stop(std::chrono::milliseconds grace) {
  if (!started_) return;
  started_ = false;
  service_.stop(grace, [this]() -> awaitable<void> {
    for (auto& p : pollers_) p->stop();
    for (auto& p : pollers_) co_await p->async_ended();
    client_->stop();
  });
}

}  // namespace lg::pollers
