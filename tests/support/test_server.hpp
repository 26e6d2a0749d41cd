// An in-process leadgate HTTP server for integration tests: port 0, one thread by default,
// a test config with a unique tenant, and a bounded stop in the destructor. The config pieces
// and the server's start and stop live in test_server.cpp (built once, in lg_test_support).
#pragma once

#include "support/tenant.hpp"

#include "config/config.hpp"
#include "core/digest.hpp"
#include "gateway/metrics.hpp"
#include "gateway/routes.hpp"
#include "gateway/server.hpp"
#include "support/http_test_client.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

namespace lg::test {

// The head of an in-process test config: `tenant`; the server on 127.0.0.1, port 0, one thread,
// `body_limit` and short timeouts; `redis_url` with short timeouts; JSON logs at `log_level`.
nlohmann::json server_config_head(const std::string& tenant, const std::string& redis_url, int body_limit = 4096,
                                  const std::string& log_level = "warn");

// The web form source "website" taking only a phone (field "phone"), which it requires.
nlohmann::json phone_form_source();

// An admin token entry: `name` with `role` (and the `member` an agent acts as), by its SHA-256.
nlohmann::json token_entry(const std::string& name, const std::string& role, const std::string& token,
                           const std::string& member = {});

// A config with one web form source "website" (and a few variants) for tests to adjust.
config::config test_config(const std::string& redis_url);

class test_server {
 public:
  explicit test_server(config::config cfg);
  ~test_server();
  test_server(const test_server&) = delete;
  test_server& operator=(const test_server&) = delete;

  void stop();

  // Waits (bounded) until /readyz answers 200: the thread's Redis connection is up.
  bool wait_ready(std::chrono::milliseconds limit = std::chrono::seconds(5));

  unsigned short port() const { return server_->port(); }
  const config::config& cfg() const { return cfg_; }
  gateway::metrics& stats() { return stats_; }

 private:
  config::config cfg_;
  gateway::metrics stats_;
  gateway::router routes_;
  std::unique_ptr<gateway::server> server_;
  std::thread thread_;
};

}  // namespace lg::test
