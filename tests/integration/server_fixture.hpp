// Shared by the forms and server integration tests: a fixture whose in-process server runs
// test_config() (support/test_server.hpp) on the shared test Redis, ready before each test body.
#pragma once

#include "support/test_server.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

namespace lg::test {

// The Content-Type of a urlencoded form post.
inline const std::map<std::string, std::string> urlencoded{{"Content-Type", "application/x-www-form-urlencoded"}};

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LG_REQUIRE_REDIS_URL(url);
    url_ = url;
    server_ = std::make_unique<test_server>(test_config(url_));
    ASSERT_TRUE(server_->wait_ready());
  }
  unsigned short port() const { return server_->port(); }
  const std::string& tenant() const { return server_->cfg().tenant; }

  std::string url_;
  std::unique_ptr<test_server> server_;
};

}  // namespace lg::test
