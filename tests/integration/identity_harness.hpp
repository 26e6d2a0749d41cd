// Shared helpers of the identity and worker integration tests: a blocking Redis handle for the
// test thread, a worker running on its own thread (or process), events pushed the way
// accept.lua writes them, and adapter-like normalization of raw dataset contacts. The definitions
// live in identity_harness.cpp (built once, in lg_integration_support).
#pragma once

#include "support/tenant.hpp"

#include "core/lead_event.hpp"
#include "core/normalize.hpp"
#include "pipeline/resolve_stage.hpp"
#include "store/contacts.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace lg::test {

// What an adapter does to typed contact fields before accept.
void normalize_contact(core::lead_event& e);

// A web form event of source "web-main" for `full_name`, occurred and received `at`.
core::lead_event web_form_event(const std::string& event_id, const std::string& lead_id,
                                const std::string& full_name, const std::string& at = "2026-11-22T03:00:00Z");

std::vector<std::string> xadd_command(const std::string& tenant, const core::lead_event& e);

// A worker on its own io_context thread with its own connection.
class worker_thread {
 public:
  // `prepare` may add stages that need the worker's io_context or connection (an enricher).
  using prepare_fn = std::function<void(asio::io_context&, store::redis_client&, pipeline::resolve_stage_options&)>;
  explicit worker_thread(pipeline::resolve_stage_options opts, pipeline::processed_handler h = {},
                         prepare_fn prepare = {});
  ~worker_thread();
  const pipeline::resolve_stage_stats& stats() const { return worker_->stats(); }

 private:
  asio::io_context ioc_;
  std::shared_ptr<store::redis_client> client_;
  std::shared_ptr<pipeline::resolve_stage> worker_;
  std::thread thread_;
};

// Worker options tuned for tests: short waits so nothing sleeps long.
pipeline::resolve_stage_options test_worker_options(const std::string& tenant);

// True when every entry of lg:{t}:in was delivered to group "process" and acknowledged.
bool drained(blocking_redis& r, const std::string& tenant);

bool wait_until(const std::function<bool()>& cond, std::chrono::seconds limit);

// wait_until() lg:{t}:in is drained.
bool wait_drained(blocking_redis& r, const std::string& tenant,
                  std::chrono::seconds limit = std::chrono::seconds(30));

}  // namespace lg::test
