// Shared by the channel API integration tests (token manager, Lead Ads poller): an io_context
// the test runs itself, with a Redis client already connected to the test Redis.
#pragma once

#include "identity_harness.hpp"
#include "store/redis_client.hpp"

namespace lg::test {

struct redis_on_ioc {
  asio::io_context ioc;
  std::shared_ptr<store::redis_client> redis = store::redis_client::create(ioc, test_redis_options());
  redis_on_ioc() {
    redis->start();
    wait_connected(*redis, &ioc);
  }
  ~redis_on_ioc() { redis->stop(); }
  redis_on_ioc(const redis_on_ioc&) = delete;
  redis_on_ioc& operator=(const redis_on_ioc&) = delete;
};

}  // namespace lg::test
