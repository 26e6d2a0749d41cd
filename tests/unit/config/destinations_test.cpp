// config/destinations.cpp: a full webhook destination, defaults, and each validation message
// with its path.
#include "config/config.hpp"
#include "unit/config/problems.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace lg::config {
namespace {

using nlohmann::json;

// base64 of 32 bytes "0123456789abcdef0123456789abcdef"
constexpr const char* secret_a = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

struct env_guard {
  env_guard() { ::setenv("LG_TEST_WHSEC", secret_a, 1); }
  ~env_guard() { ::unsetenv("LG_TEST_WHSEC"); }
};

TEST(ConfigDestinations, FullWebhookDestination) {
  env_guard env;
  const auto c = parse(json::parse(R"({"destinations":[{"id":"crm-hook","type":"webhook",
      "url":"https://crm.example.com/hooks/leadgate","secrets":[{"env":"LG_TEST_WHSEC"}],
      "events":["lead.assigned","contact.created"],"rate_limit_per_s":50,"timeout_ms":2500,
      "retry":{"schedule_s":[0,0.5,300],"jitter":0.1},"breaker":{"failures":3,"open_s":12.5},
      "max_backlog":5000,"max_dead":700}]})"));
  ASSERT_EQ(c.destinations.size(), 1u);
  const auto& d = c.destinations[0];
  EXPECT_EQ(d.id, "crm-hook");
  EXPECT_EQ(d.url, "https://crm.example.com/hooks/leadgate");
  ASSERT_EQ(d.secrets.size(), 1u);
  EXPECT_EQ(d.secrets[0], secret_a);
  EXPECT_EQ(d.events, (std::vector<std::string>{"lead.assigned", "contact.created"}));
  EXPECT_DOUBLE_EQ(d.rate_limit_per_s, 50);
  EXPECT_EQ(d.timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(d.retry_schedule,
            (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(0), std::chrono::milliseconds(500),
                                                   std::chrono::milliseconds(300000)}));
  EXPECT_DOUBLE_EQ(d.retry_jitter, 0.1);
  EXPECT_EQ(d.breaker_failures, 3u);
  EXPECT_EQ(d.breaker_open, std::chrono::milliseconds(12500));
  EXPECT_EQ(d.max_backlog, 5000u);
  EXPECT_EQ(d.max_dead, 700u);
  EXPECT_EQ(c.find_destination("crm-hook"), &d);
  EXPECT_EQ(c.find_destination("other"), nullptr);
}

TEST(ConfigDestinations, Defaults) {
  env_guard env;
  const auto c = parse(json::parse(
      R"({"destinations":[{"id":"d1","url":"http://127.0.0.1:9/x","secrets":[{"env":"LG_TEST_WHSEC"}]}]})"));
  const auto& d = c.destinations.at(0);
  EXPECT_EQ(d.type, "webhook");
  EXPECT_TRUE(d.events.empty());
  EXPECT_TRUE(d.retry_schedule.empty());  // the engine's default schedule
  EXPECT_EQ(d.breaker_failures, 5u);
  EXPECT_EQ(d.breaker_open, std::chrono::seconds(30));
}

TEST(ConfigDestinations, ProblemsNameThePath) {
  env_guard env;
  ::setenv("LG_TEST_WHSEC_BAD", "whsec_c2hvcnQ=", 1);  // "short": 5 bytes
  const auto problems = check(json::parse(R"({"destinations":[
      {"id":"Bad Id","type":"F T P","url":"ftp://x","secrets":["whsec_plain"],"events":["Lead Assigned"],
       "retry":{"schedule_s":[0,-1]},"breaker":{"failures":0},"extra":1},
      {"id":"d2","url":"https://x.example","secrets":[{"env":"LG_TEST_WHSEC_BAD"}]},
      {"id":"d3","url":"https://x.example"},
      {"id":"d3","url":"https://x.example","secrets":[{"env":"LG_TEST_WHSEC"}]},
      {"id":"d5","url":"https://x.example","secrets":["whsec_plain"]}]})"));
  ::unsetenv("LG_TEST_WHSEC_BAD");
  // Whether a type exists is its connector registry's to say (gateway's check-config); here only
  // its spelling.
  EXPECT_THAT(problems, has_problems({"destinations[0].url: not an http(s) URL", "destinations[0].extra: unknown key",
                                      "destinations[3].id: duplicate 'd3'"},
                                     {"destinations[0].id: must match", "destinations[0].type: must match",
                                      "destinations[0].secrets[0]: must be a secret",
                                      "destinations[4].secrets[0]: must be a secret",
                                      "destinations[0].events[0]: an event type",
                                      "destinations[0].retry.schedule_s[1]: must be a number of seconds",
                                      "destinations[0].breaker.failures",
                                      "destinations[1].secrets[0]: not a webhook secret",
                                      "destinations[2].secrets: required"}));
}

}  // namespace
}  // namespace lg::config
