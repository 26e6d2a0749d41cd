// The Zalo OA token manager against real Redis and the fake OA API (tests/support/
// fake_zalo_oa.hpp): the first call refreshes with the configured refresh token and stores the
// rotated one; later calls use the stored access token; managers racing to refresh (two
// processes) rotate once and all get the new token; a refused refresh (error in a 200) is an
// auth failure that leaves the stored tokens and releases the lease; a token the API refuses
// (-216) is renewed once.
#include "provider_apis/zalo_tokens.hpp"
#include "store/tokens.hpp"
#include "support/fake_zalo_oa.hpp"
#include "channels_harness.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>

namespace lg::test {
namespace {

struct token_env : redis_on_ioc {
  net::http_client http{ioc.get_executor(), [] {
                               net::http_client_options o;
                               o.extra_ca_file = test_ca_file();
                               return o;
                             }()};
};

provider_apis::zalo::token_manager_options manager_options(const std::string& tenant, const std::string& owner) {
  provider_apis::zalo::token_manager_options o;
  o.tenant = tenant;
  o.owner = owner;
  o.wait_step = std::chrono::milliseconds(10);
  return o;
}

TEST(ZaloTokens, FirstCallRefreshesAndStoresTheRotatedRefreshToken) {
  fake_zalo_oa oa("3608465248940903967", "oa-app-secret", "oa-refresh-seed");
  const auto tenant = fresh_tenant("tok");
  token_env env;
  provider_apis::zalo::token_manager tm(*env.redis, env.http, oa.client_options("zalo-main"), manager_options(tenant, "a"));
  ASSERT_TRUE(run_bounded(env.ioc, [&]() -> awaitable<void> {
    auto t1 = co_await tm.async_access_token();
    LG_CO_ASSERT(t1.has_value());
    EXPECT_EQ(*t1, "oa-access-1");
    auto t2 = co_await tm.async_access_token();
    LG_CO_ASSERT(t2.has_value());
    EXPECT_EQ(*t2, "oa-access-1");  // from Redis, no second refresh
    auto stored = co_await store::async_read_tokens(*env.redis, tenant, "zalo:zalo-main");
    LG_CO_ASSERT(stored.has_value());
    EXPECT_EQ(stored->refresh_token, "oa-refresh-1");
    EXPECT_EQ(stored->refresh_token, oa.current_refresh_token());
    EXPECT_GT(stored->expires_at_ms, 0);
  }, std::chrono::seconds(20)));
  EXPECT_EQ(oa.refreshes(), 1);
  EXPECT_EQ(tm.stats().refreshes.load(), 1u);
}

TEST(ZaloTokens, ConcurrentRefreshesRotateOnce) {
  fake_zalo_oa oa("3608465248940903967", "oa-app-secret", "oa-refresh-seed");
  oa.set_refresh_delay(std::chrono::milliseconds(300));  // the others arrive while it runs
  const auto tenant = fresh_tenant("tok");
  token_env env;
  std::vector<std::unique_ptr<provider_apis::zalo::token_manager>> managers;
  for (int i = 0; i < 3; ++i)
    managers.push_back(std::make_unique<provider_apis::zalo::token_manager>(
        *env.redis, env.http, oa.client_options("zalo-main"), manager_options(tenant, "process-" + std::to_string(i))));
  std::vector<std::string> got(3);
  int done = 0;
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(env.ioc, [&, i]() -> awaitable<void> {
      auto t = co_await managers[i]->async_access_token();
      got[i] = t ? *t : "error: " + t.error().message;
      ++done;
    }, asio::detached);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (done < 3 && std::chrono::steady_clock::now() < deadline) env.ioc.run_one_until(deadline);
  ASSERT_EQ(done, 3);
  for (const auto& g : got) EXPECT_EQ(g, "oa-access-1");
  EXPECT_EQ(oa.refreshes(), 1);
  EXPECT_EQ(oa.refused_refreshes(), 0);
  std::uint64_t waited = 0;
  for (auto& m : managers) waited += m->stats().waited.load();
  EXPECT_EQ(waited, 2u);
}

TEST(ZaloTokens, RefusedRefreshIsAnAuthFailureAndReleasesTheLease) {
  fake_zalo_oa oa("3608465248940903967", "oa-app-secret", "some-other-token");  // the seed is unknown
  const auto tenant = fresh_tenant("tok");
  token_env env;
  provider_apis::zalo::token_manager tm(*env.redis, env.http, oa.client_options("zalo-main"), manager_options(tenant, "a"));
  ASSERT_TRUE(run_bounded(env.ioc, [&]() -> awaitable<void> {
    auto t = co_await tm.async_access_token();
    LG_CO_ASSERT(!t.has_value());
    EXPECT_EQ(t.error().kind, provider_apis::failure::auth);
    EXPECT_EQ(t.error().code, -14014);
    EXPECT_EQ(t.error().message.find("oa-refresh-seed"), std::string::npos);  // never the token
    std::vector<std::string> get{"EXISTS", store::token_lease_key(tenant, "zalo:zalo-main")};
    auto lease = co_await env.redis->async_exec(std::move(get));
    LG_CO_ASSERT(lease.has_value());
    EXPECT_EQ(lease->integer, 0);
    auto stored = co_await store::async_read_tokens(*env.redis, tenant, "zalo:zalo-main");
    LG_CO_ASSERT(stored.has_value());
    EXPECT_TRUE(stored->refresh_token.empty());
  }, std::chrono::seconds(20)));
  EXPECT_EQ(oa.refused_refreshes(), 1);
}

TEST(ZaloTokens, RenewReplacesARefusedTokenOnceAndKeepsTheChain) {
  fake_zalo_oa oa("3608465248940903967", "oa-app-secret", "oa-refresh-seed");
  const auto tenant = fresh_tenant("tok");
  token_env env;
  provider_apis::zalo::token_manager a(*env.redis, env.http, oa.client_options("zalo-main"), manager_options(tenant, "a"));
  provider_apis::zalo::token_manager b(*env.redis, env.http, oa.client_options("zalo-main"), manager_options(tenant, "b"));
  ASSERT_TRUE(run_bounded(env.ioc, [&]() -> awaitable<void> {
    auto t1 = co_await a.async_access_token();
    LG_CO_ASSERT(t1.has_value());
    oa.expire_access_tokens();
    auto t2 = co_await a.async_renew(*t1);
    LG_CO_ASSERT(t2.has_value());
    EXPECT_EQ(*t2, "oa-access-2");
    // Another process that saw the same stale token does not rotate a second time.
    auto t3 = co_await b.async_renew(*t1);
    LG_CO_ASSERT(t3.has_value());
    EXPECT_EQ(*t3, "oa-access-2");
    auto stored = co_await store::async_read_tokens(*env.redis, tenant, "zalo:zalo-main");
    LG_CO_ASSERT(stored.has_value());
    EXPECT_EQ(stored->refresh_token, "oa-refresh-2");
  }, std::chrono::seconds(20)));
  EXPECT_EQ(oa.refreshes(), 2);
  EXPECT_EQ(oa.refused_refreshes(), 0);
}

}  // namespace
}  // namespace lg::test
