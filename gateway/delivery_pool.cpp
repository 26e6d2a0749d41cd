// See delivery_pool.hpp.
#include "gateway/delivery_pool.hpp"

#include "webhooks/webhook_connector.hpp"

#include <spdlog/spdlog.h>

namespace lg::gateway {

delivery_pool::delivery_pool(const config::config& cfg, store::redis_options redis, delivery_pool_options opts) {
  auto fan_redis = redis;
  fan_redis_ = store::redis_client::create(ioc_, std::move(fan_redis));
  work_redis_ = store::redis_client::create(ioc_, std::move(redis));

  webhooks::fanout_options fo;
  fo.tenant = cfg.tenant;
  // The BLOCK wait must end before the command timeout, or every idle wait is an "error".
  fo.block = std::min(std::chrono::milliseconds(500), cfg.redis.command_timeout / 2);
  fo.log = [](std::string_view m) { spdlog::warn("{}", m); };
  for (std::size_t i = 0; i < cfg.destinations.size(); ++i) {
    const auto& d = cfg.destinations[i];
    if (!d.enabled) continue;
    const auto path = "destinations[" + std::to_string(i) + "]";
    std::unique_ptr<webhooks::connector> conn;
    if (d.type == "webhook") {
      webhooks::webhook_connector_options wo;
      wo.url = d.url;
      wo.secrets = d.secrets;
      wo.timeout = d.timeout;
      wo.http.extra_ca_file = opts.extra_ca_file;
      auto c = webhooks::webhook_connector::create(ioc_.get_executor(), std::move(wo));
      if (!c) throw config::config_error(path + "." + c.error().field + ": " + c.error().message);
      conn = std::move(*c);
    } else {
      throw config::config_error(path + ".type: no connector for '" + d.type + "'");
    }
    webhooks::destination_options o;
    o.tenant = cfg.tenant;
    o.id = d.id;
    if (!d.retry_schedule.empty()) o.retry.delays = d.retry_schedule;
    o.retry.jitter = d.retry_jitter;
    o.breaker.failures = d.breaker_failures;
    o.breaker.open_for = d.breaker_open;
    o.rate_limit_per_s = d.rate_limit_per_s;
    o.max_dead = d.max_dead;
    o.idle_poll = opts.idle_poll;
    o.log = [](std::string_view m) { spdlog::warn("{}", m); };
    workers_.push_back(webhooks::destination_worker::create(work_redis_, std::move(conn), std::move(o)));
    fo.routes.push_back(webhooks::fanout_route{d.id, d.events, d.max_backlog, d.max_dead});
  }
  fanout_ = webhooks::outbox_fanout::create(fan_redis_, std::move(fo));
}

delivery_pool::~delivery_pool() { stop(); }

const webhooks::destination_worker* delivery_pool::worker(std::string_view id) const {
  for (const auto& w : workers_)
    if (w->id() == id) return w.get();
  return nullptr;
}

void delivery_pool::start() {
  if (started_) return;
  started_ = true;
  fan_redis_->start();
  work_redis_->start();
  // With no destination the outbox is left alone: its entries wait for one to be configured.
  if (!workers_.empty()) fanout_->start();
  for (auto& w : workers_) w->start();
  thread_ = std::thread([this] {
    try {
      ioc_.run();
    } catch (const std::exception& e) {
      spdlog::error("delivery thread ended: {}", e.what());
    }
  });
}

void delivery_pool::stop(std::chrono::milliseconds grace) {
  if (!started_) return;
  started_ = false;
  asio::post(ioc_, [this] {
    fanout_->stop();
    for (auto& w : workers_) w->stop();
  });
  const auto deadline = std::chrono::steady_clock::now() + grace;
  auto busy = [this] {
    if (fanout_->running()) return true;
    for (const auto& w : workers_)
      if (w->running()) return true;
    return false;
  };
  while (busy() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (busy()) spdlog::warn("delivery did not stop in time; what is in flight is retried at the next start");
  asio::post(ioc_, [this] {
    fan_redis_->stop();
    work_redis_->stop();
  });
  asio::post(ioc_, [this] { ioc_.stop(); });
  if (thread_.joinable()) thread_.join();
}

}  // namespace lg::gateway
