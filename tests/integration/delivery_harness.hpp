// Shared setup of the delivery integration tests: a unique tenant on the test Redis, outbox
// entries written the way assign.lua writes them, destinations pointing at fake receivers, and
// a delivery_pool started and stopped by the test. The definitions live in delivery_harness.cpp
// (built once, in lg_integration_support).
#pragma once

#include "config/config.hpp"
#include "core/time_source.hpp"
#include "pipeline/assign_stage.hpp"
#include "webhooks/delivery_pool.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "support/fake_receiver.hpp"
#include "support/test_server.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lg::test {

// 32 bytes each: "0123456789abcdef0123456789abcdef" and "abcdefghijklmnopqrstuvwxyz012345".
inline const std::string whsec_a = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
inline const std::string whsec_b = "whsec_YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU=";

class delivery_test : public ::testing::Test {
 protected:
  void SetUp() override;

  void TearDown() override;

  // One command, run to completion on the test's own connection (bounded).
  std::optional<store::redis_reply> exec(std::vector<std::string> cmd);

  // Appends `n` outbox entries round-robin over `contacts` contacts, as assign.lua writes them;
  // entry i has event "e<i>" (zero-padded) for contact "c<i % contacts>". Returns the ids.
  // `at_ms` > 0: the entries carry that time in their ids ("<at_ms>-<i+1>"), as if written then.
  std::vector<std::string> write_outbox(std::size_t n, std::size_t contacts, std::size_t first = 0,
                                        std::int64_t at_ms = 0);

  // A destination with a fast retry schedule (tests must not wait minutes).
  config::destination_config destination(const std::string& id, const std::string& url) const;

  config::config make_config(std::vector<config::destination_config> dests) const;

  // `clock`: the pool's "now" (retry times, breaker, lag); null: the system clock.
  std::unique_ptr<webhooks::delivery_pool> make_pool(const config::config& cfg,
                                                     const core::time_source* clock = nullptr) const;

  // Every contact's events arrived in the order they were written.
  static void expect_order_per_contact(const fake_receiver& r);

  // Polls `pred` every 5 ms until it holds or `limit` passes; returns its last value.
  template <class Pred>
  static bool wait_for(Pred pred, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
  }

  // Waits until the worker has looked for work `n` more times: what it would have done in that
  // time, it has done (the way to see that nothing happens, without sleeping).
  static bool wait_rounds(const webhooks::destination_worker& w, std::uint64_t n,
                          std::chrono::milliseconds limit = std::chrono::seconds(10));

  // A field of the destination's state hash ("" when absent).
  std::string hget_state(const std::string& field, const std::string& destination = "crm");

  long long integer(std::vector<std::string> cmd);

  asio::io_context ioc_;
  std::string url_, tenant_;
  store::redis_options redis_opts_;
  std::shared_ptr<store::redis_client> redis_;
};

}  // namespace lg::test
