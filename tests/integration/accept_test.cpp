// async_accept against a real Redis: idempotency within the window, a new entry after it,
// the stream entry's fields, and the backlog bound.
#include "store/inbound_log.hpp"

#include "store/keys.hpp"

#include "integration/test_redis.hpp"

#include <gtest/gtest.h>

#include <random>

namespace lg::store {
namespace {

using namespace std::chrono_literals;

class accept_test : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string url = test::redis_url();
    ASSERT_FALSE(url.empty()) << "LG_TEST_REDIS_URL is not set: run scripts/test, or start a "
                                 "redis-server and export LG_TEST_REDIS_URL=redis://127.0.0.1:PORT";
    client_ = redis_client::create(ioc_, redis_options::from_url(url).value());
    client_->start();
    tenant_ = "t" + std::to_string(std::random_device{}());
  }

  void TearDown() override {
    if (!client_) return;
    run([&]() -> awaitable<void> {
      // The keys of this test's tenant only.
      auto found = co_await client_->async_exec(test::cmd("KEYS", keys::prefix(tenant_) + "*"));
      if (found && found->is_array()) {
        for (auto& k : found->elements) co_await client_->async_exec(test::cmd("DEL", k.str));
      }
    });
  }

  void run(std::function<awaitable<void>()> body) {
    bool finished = test::run_bounded(
        ioc_,
        [&]() -> awaitable<void> {
          for (int i = 0; i < 500 && !client_->connected(); ++i) co_await test::sleep_for(10ms);
          LG_CO_ASSERT(client_->connected());
          co_await body();
        },
        10s);
    ASSERT_TRUE(finished) << "timed out";
  }

  accept_request request(std::string key, std::string lead_id) {
    accept_request r;
    r.tenant = tenant_;
    r.idempotency_key = std::move(key);
    r.lead_id = lead_id;
    r.event_json = R"({"lead_id":")" + lead_id + R"(","source":"web"})";
    return r;
  }

  awaitable<long long> stream_length() {
    auto r = co_await client_->async_exec(test::cmd("XLEN", keys::inbound(tenant_)));
    co_return r && r->as_integer() ? *r->as_integer() : -1;
  }

  asio::io_context ioc_;
  std::shared_ptr<redis_client> client_;
  std::string tenant_;
};

TEST_F(accept_test, same_key_twice_gives_one_entry_and_the_first_lead_id) {
  run([&]() -> awaitable<void> {
    auto first = co_await async_accept(*client_, request("web:abc", "lead-1"));
    LG_CO_ASSERT(first.has_value());
    EXPECT_FALSE(first->duplicate);
    EXPECT_EQ(first->lead_id, "lead-1");
    EXPECT_FALSE(first->stream_id.empty());

    auto second = co_await async_accept(*client_, request("web:abc", "lead-2"));
    LG_CO_ASSERT(second.has_value());
    EXPECT_TRUE(second->duplicate);
    EXPECT_EQ(second->lead_id, "lead-1");
    EXPECT_TRUE(second->stream_id.empty());
    EXPECT_EQ(co_await stream_length(), 1);

    // The entry carries the event under "lead" and the id under "lead_id".
    auto range = co_await client_->async_exec(test::cmd("XRANGE", keys::inbound(tenant_), "-", "+"));
    LG_CO_ASSERT(range && range->is_array() && range->elements.size() == 1);
    const auto& entry = range->elements[0];
    LG_CO_ASSERT(entry.is_array() && entry.elements.size() == 2);
    EXPECT_EQ(entry.elements[0].str, first->stream_id);
    const auto& fields = entry.elements[1].elements;
    LG_CO_ASSERT(fields.size() == 4);
    EXPECT_EQ(fields[0].str, "lead");
    EXPECT_EQ(fields[1].str, request("x", "lead-1").event_json);
    EXPECT_EQ(fields[2].str, "lead_id");
    EXPECT_EQ(fields[3].str, "lead-1");

    auto other = co_await async_accept(*client_, request("web:other", "lead-3"));
    LG_CO_ASSERT(other.has_value());
    EXPECT_FALSE(other->duplicate);
    EXPECT_EQ(co_await stream_length(), 2);
  });
}

TEST_F(accept_test, after_the_window_the_same_key_is_a_new_lead) {
  run([&]() -> awaitable<void> {
    auto req = request("form:hash", "lead-a");
    req.idempotency_window = 100ms;
    auto first = co_await async_accept(*client_, req);
    LG_CO_ASSERT(first && !first->duplicate);
    auto ttl = co_await client_->async_exec(test::cmd("PTTL", keys::idempotency(tenant_, "form:hash")));
    LG_CO_ASSERT(ttl && ttl->as_integer());
    EXPECT_GT(*ttl->as_integer(), 0);
    EXPECT_LE(*ttl->as_integer(), 100);

    co_await test::sleep_for(250ms);
    auto later = request("form:hash", "lead-b");
    later.idempotency_window = 100ms;
    auto second = co_await async_accept(*client_, later);
    LG_CO_ASSERT(second.has_value());
    EXPECT_FALSE(second->duplicate);
    EXPECT_EQ(second->lead_id, "lead-b");
    EXPECT_EQ(co_await stream_length(), 2);
  });
}

TEST_F(accept_test, full_backlog_is_unavailable_and_writes_nothing) {
  run([&]() -> awaitable<void> {
    for (int i = 0; i < 2; ++i) {
      auto req = request("k" + std::to_string(i), "lead-" + std::to_string(i));
      req.max_stream_length = 2;
      auto r = co_await async_accept(*client_, req);
      LG_CO_ASSERT(r && !r->duplicate);
    }
    auto req = request("k2", "lead-2");
    req.max_stream_length = 2;
    auto full = co_await async_accept(*client_, req);
    LG_CO_ASSERT(!full.has_value());
    EXPECT_EQ(full.error().code, core::errc::unavailable);
    EXPECT_EQ(full.error().message, "inbound backlog full");
    EXPECT_EQ(co_await stream_length(), 2);
    // No idempotency key was set, so the provider's retry is accepted once there is room.
    auto idem = co_await client_->async_exec(test::cmd("EXISTS", keys::idempotency(tenant_, "k2")));
    LG_CO_ASSERT(idem && idem->as_integer());
    EXPECT_EQ(*idem->as_integer(), 0);
    // A duplicate is still answered while full: it needs no room.
    auto dup = request("k0", "lead-x");
    dup.max_stream_length = 2;
    auto d = co_await async_accept(*client_, dup);
    LG_CO_ASSERT(d.has_value());
    EXPECT_TRUE(d->duplicate);
    EXPECT_EQ(d->lead_id, "lead-0");
  });
}

TEST_F(accept_test, bad_requests_and_a_stopped_client_are_clear_errors) {
  run([&]() -> awaitable<void> {
    auto no_key = request("", "lead-1");
    auto r1 = co_await async_accept(*client_, no_key);
    LG_CO_ASSERT(!r1.has_value());
    EXPECT_EQ(r1.error().code, core::errc::missing_field);
    EXPECT_EQ(r1.error().field, "idempotency_key");

    client_->stop();
    auto r2 = co_await async_accept(*client_, request("k", "lead-1"));
    LG_CO_ASSERT(!r2.has_value());
    EXPECT_EQ(r2.error().code, core::errc::unavailable);
  });
  client_.reset();  // nothing to clean: nothing was written
}

}  // namespace
}  // namespace lg::store
