// The Lead Ads poller against real Redis and the fake Graph API (tests/support/fake_graph.hpp):
// every page of a form is read (paging.next), each lead accepted once under the webhook's
// idempotency key (a lead the webhook already brought is a duplicate), the cursor advanced only
// after the whole run, a failed page leaves the cursor so the next run catches up, and one
// source whose token is refused does not keep another's leads from being captured.
#include "store/inbound_log.hpp"
#include "pollers/lead_ads_poller.hpp"
#include "support/fake_graph.hpp"
#include "channels_harness.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>

namespace lg::test {
namespace {

const std::string form = "555000111";

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

provider_apis::graph::api_options api_for(const fake_graph& g, const std::string& source, const std::string& token) {
  auto o = provider_apis::graph::parse_api_options(
      nlohmann::json{{"page_token", token},
                     {"graph_base_url", g.base_url()},
                     {"ca_file", test_ca_file()},
                     {"lead_forms", {form}},
                     {"poll_interval_s", 1},
                     {"poll_lookback_s", 3600}},
      source, "sources[0].options");
  return *o;
}

// Five leads of the form, 100 s apart, the newest 100 s ago; one lead of another form.
std::vector<fake_graph::lead> add_leads(fake_graph& g, std::int64_t now) {
  std::vector<fake_graph::lead> out;
  for (int i = 0; i < 5; ++i) {
    fake_graph::lead l{"70000000000" + std::to_string(i), form, now - 600 + 100 * i,
                       {{"full_name", "Học Viên " + std::to_string(i)}, {"phone_number", "+8491200030" + std::to_string(i)}}};
    g.add_lead(l);
    out.push_back(l);
  }
  g.add_lead({"799999999999", "999000999", now - 50, {{"full_name", "Other Form"}}});
  return out;
}

using poll_env = redis_on_ioc;

pollers::lead_ads_poller_options poller_options(const std::string& tenant) {
  pollers::lead_ads_poller_options o;
  o.tenant = tenant;
  o.error_backoff = std::chrono::milliseconds(100);
  return o;
}

TEST(LeadPoller, ReadsEveryPageAcceptsEachLeadOnceAndAdvancesTheCursor) {
  fake_graph graph("page-token-1", 2);  // five leads: three pages
  const auto now = unix_now();
  const auto leads = add_leads(graph, now);
  const auto tenant = fresh_tenant("poll");
  blocking_redis r;
  poll_env env;
  auto poller = pollers::lead_ads_poller::create(env.redis, api_for(graph, "fb-ads", "page-token-1"), poller_options(tenant));
  ASSERT_TRUE(run_bounded(env.ioc, [&]() -> awaitable<void> {
    // The webhook brought lead 2 already.
    core::lead_event hook;
    hook.chan = core::channel::facebook_lead_ads;
    hook.source = "fb-ads";
    hook.event_id = "facebook:lead:" + leads[2].id;
    hook.contact.ids["facebook_lead"] = leads[2].id;
    auto first = co_await store::async_accept_event(*env.redis, tenant, hook, hook.event_id,
                                                             store::provider_idempotency_window, store::accept_limits{},
                                                             std::chrono::system_clock::now());
    LG_CO_ASSERT(first.has_value() && !first->duplicate);
    auto run = co_await poller->async_poll_once();
    LG_CO_ASSERT(run.has_value());
    EXPECT_EQ(*run, 4u);
    auto again = co_await poller->async_poll_once();
    LG_CO_ASSERT(again.has_value());
    EXPECT_EQ(*again, 0u);
  }, std::chrono::seconds(30)));
  EXPECT_EQ(poller->stats().pages.load(), 4u);       // three, then one on the second run
  EXPECT_EQ(poller->stats().duplicates.load(), 2u);  // the webhook's lead, the overlap second
  EXPECT_EQ(r.exec({"XLEN", store::keys::inbound(tenant)}).integer, 5);
  EXPECT_EQ(r.exec({"GET", pollers::lead_cursor_key(tenant, "fb-ads", form)}).str, std::to_string(leads[4].created));
  // The first run asked for the lookback window, the second from the cursor (one second overlap).
  const auto targets = graph.targets();
  ASSERT_GE(targets.size(), 4u);
  const auto filter_of = [](const std::string& t) {
    auto q = parse_pairs(std::string_view(t).substr(t.find('?') + 1));
    return nlohmann::json::parse(q["filtering"]);
  };
  EXPECT_LE(filter_of(targets[0])[0]["value"].get<std::int64_t>(), now - 3600);
  EXPECT_EQ(filter_of(targets.back())[0]["value"].get<std::int64_t>(), leads[4].created - 1);
  EXPECT_EQ(filter_of(targets.back())[0]["operator"], "GREATER_THAN");
  // The stream holds the mapped fields: name and phone of a polled lead.
  auto entries = r.exec({"XRANGE", store::keys::inbound(tenant), "-", "+"});
  bool found = false;
  for (const auto& e : entries.elements) {
    auto lead = nlohmann::json::parse(e.elements.at(1).elements.at(1).str);
    if (lead["event_id"] == "facebook:lead:" + leads[0].id) {
      found = true;
      EXPECT_EQ(lead["contact"]["phones"][0], "+84912000300");
      EXPECT_EQ(lead["contact"]["full_name"], "Học Viên 0");
      EXPECT_EQ(lead["channel"], "facebook_lead_ads");
    }
  }
  EXPECT_TRUE(found);
}

TEST(LeadPoller, AFailedPageLeavesTheCursorAndTheNextRunCatchesUp) {
  fake_graph graph("page-token-1", 2);
  const auto leads = add_leads(graph, unix_now());
  graph.queue_reply("after=2", {500, {}, "temporarily unavailable"});
  const auto tenant = fresh_tenant("poll");
  blocking_redis r;
  poll_env env;
  auto poller = pollers::lead_ads_poller::create(env.redis, api_for(graph, "fb-ads", "page-token-1"), poller_options(tenant));
  ASSERT_TRUE(run_bounded(env.ioc, [&]() -> awaitable<void> {
    auto run = co_await poller->async_poll_once();
    LG_CO_ASSERT(!run.has_value());
    EXPECT_EQ(run.error().kind, provider_apis::failure::transient);
  }, std::chrono::seconds(30)));
  EXPECT_TRUE(r.exec({"GET", pollers::lead_cursor_key(tenant, "fb-ads", form)}).is_nil());
  EXPECT_EQ(r.exec({"XLEN", store::keys::inbound(tenant)}).integer, 2);  // the first page's
  ASSERT_TRUE(run_bounded(env.ioc, [&]() -> awaitable<void> {
    auto run = co_await poller->async_poll_once();
    LG_CO_ASSERT(run.has_value());
    EXPECT_EQ(*run, 3u);
  }, std::chrono::seconds(30)));
  EXPECT_EQ(r.exec({"XLEN", store::keys::inbound(tenant)}).integer, 5);
  EXPECT_EQ(r.exec({"GET", pollers::lead_cursor_key(tenant, "fb-ads", form)}).str, std::to_string(leads[4].created));
  EXPECT_EQ(poller->stats().failed_runs.load(), 1u);
}

TEST(LeadPoller, OneFailingSourceDoesNotStallAnother) {
  fake_graph graph("page-token-1", 2);
  add_leads(graph, unix_now());
  const auto tenant = fresh_tenant("poll");
  blocking_redis r;
  poll_env env;
  auto broken = pollers::lead_ads_poller::create(env.redis, api_for(graph, "fb-broken", "revoked-token"), poller_options(tenant));
  auto good = pollers::lead_ads_poller::create(env.redis, api_for(graph, "fb-good", "page-token-1"), poller_options(tenant));
  broken->start();
  good->start();
  // The broken source keeps failing on its own schedule (backoff 100 ms, doubling) while the
  // good one captures all five leads.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((good->stats().accepted.load() < 5 || broken->stats().failed_runs.load() < 2) &&
         std::chrono::steady_clock::now() < deadline)
    env.ioc.run_one_until(std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
  EXPECT_EQ(good->stats().accepted.load(), 5u);
  EXPECT_GE(broken->stats().failed_runs.load(), 2u);
  EXPECT_EQ(broken->stats().accepted.load(), 0u);
  broken->stop();
  good->stop();
  const auto stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((broken->running() || good->running()) && std::chrono::steady_clock::now() < stop_deadline)
    env.ioc.run_one_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(50));
  EXPECT_FALSE(good->running());
  EXPECT_FALSE(broken->running());
  EXPECT_TRUE(r.exec({"GET", pollers::lead_cursor_key(tenant, "fb-broken", form)}).is_nil());
}

}  // namespace
}  // namespace lg::test
