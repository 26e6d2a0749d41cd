// The processing figures on /metrics (gateway/metrics.hpp) against a real Redis: the lag and
// pending count of the processing group read from lg:{t}:in at each refresh, and the workers'
// totals folded in as counters (each scrape adds only what is new).
#include "assign_harness.hpp"
#include "gateway/metrics.hpp"
#include "store/keys.hpp"
#include "support/metrics_text.hpp"

namespace lg::test {
namespace {

TEST(ProcessingMetrics, LagAndPendingComeFromTheGroup) {
  assign_env env(fresh_tenant("procmetrics"));
  const std::string in = store::keys::inbound(env.opts.tenant);
  gateway::metrics m;
  m.watch_processing(env.opts.tenant, "process");
  auto refresh = [&] {
    env.run<bool>([&](store::redis_client& c) -> awaitable<bool> {
      co_await m.async_refresh_processing(c);
      co_return true;
    });
  };

  refresh();  // nothing accepted yet: no stream, nothing waits
  std::string text = m.serialize();
  EXPECT_EQ(series_value(text, "leadgate_processing_lag"), 0) << text;
  EXPECT_EQ(series_value(text, "leadgate_processing_pending"), 0) << text;

  for (int i = 0; i < 5; ++i) env.exec({"XADD", in, "*", "event", "{}"});
  env.exec({"XGROUP", "CREATE", in, "process", "0"});
  env.exec({"XGROUP", "CREATE", in, "other", "$"});  // another group's figures are not ours
  auto read = env.exec({"XREADGROUP", "GROUP", "process", "w1", "COUNT", "2", "STREAMS", in, ">"});
  ASSERT_TRUE(read.is_array() && read.elements.size() == 1);
  const auto& entries = read.elements[0].elements[1].elements;
  ASSERT_EQ(entries.size(), 2u);
  refresh();
  text = m.serialize();
  EXPECT_EQ(series_value(text, "leadgate_processing_lag"), 3) << text;
  EXPECT_EQ(series_value(text, "leadgate_processing_pending"), 2) << text;

  env.exec({"XACK", in, "process", entries[0].elements[0].str});
  refresh();
  text = m.serialize();
  EXPECT_EQ(series_value(text, "leadgate_processing_lag"), 3) << text;
  EXPECT_EQ(series_value(text, "leadgate_processing_pending"), 1) << text;
  env.exec({"DEL", in});
}

TEST(ProcessingMetrics, WorkerTotalsBecomeCountersOnce) {
  gateway::metrics m;
  gateway::metrics::processing_totals totals{.resolved = 3, .duplicate = 1, .quarantined = 0, .retry = 2, .claimed = 1};
  m.set_processing_source([&] { return totals; });
  std::string text = m.serialize();
  EXPECT_EQ(series_value(text, R"(leadgate_events_processed_total{outcome="resolved"})"), 3) << text;
  EXPECT_EQ(series_value(text, R"(leadgate_events_processed_total{outcome="duplicate"})"), 1) << text;
  EXPECT_EQ(series_value(text, R"(leadgate_events_processed_total{outcome="quarantined"})"), 0) << text;
  EXPECT_EQ(series_value(text, R"(leadgate_events_processed_total{outcome="retry"})"), 2) << text;
  EXPECT_EQ(series_value(text, "leadgate_events_claimed_total"), 1) << text;

  (void)m.serialize();  // a scrape with nothing new adds nothing
  totals.resolved = 5;
  text = m.serialize();
  EXPECT_EQ(series_value(text, R"(leadgate_events_processed_total{outcome="resolved"})"), 5) << text;
  EXPECT_EQ(series_value(text, R"(leadgate_events_processed_total{outcome="retry"})"), 2) << text;
}

}  // namespace
}  // namespace lg::test
