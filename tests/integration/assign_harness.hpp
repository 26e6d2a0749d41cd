// Helpers of the assignment integration tests: a Redis client driven on the test thread (each
// call runs one coroutine to completion, bounded), teams seeded straight into the store, and
// the clock points the scripts take. The store calls live in assign_harness.cpp (built once, in
// lg_integration_support).
#pragma once

#include "identity_harness.hpp"
#include "routing/assign_plan.hpp"
#include "store/assignments.hpp"
#include "store/contacts.hpp"
#include "test_redis.hpp"

#include <optional>

namespace lg::test {

// Monday 2026-11-23 00:00 local (the tests pass local minute and weekday themselves).
inline constexpr std::int64_t monday_ms = 1795366800000LL;

store::clock_point at_minute(std::int64_t minutes_after_monday_midnight);

class assign_env {
 public:
  explicit assign_env(const std::string& tenant);
  ~assign_env();

  // Runs f(redis) as a coroutine to completion and returns its value.
  template <class T>
  T run(std::function<awaitable<T>(store::redis_client&)> f) {
    std::optional<T> out;
    bool ok = run_bounded(
        ioc_, [&]() -> awaitable<void> { out.emplace(co_await f(*redis_)); }, std::chrono::seconds(60));
    if (!ok || !out) throw std::runtime_error("assign_env: coroutine did not finish");
    return std::move(*out);
  }

  store::redis_reply exec(std::vector<std::string> cmd);
  long long integer(std::vector<std::string> cmd) { return exec(std::move(cmd)).integer; }
  std::string str(std::vector<std::string> cmd) { return exec(std::move(cmd)).str; }

  void seed(const store::team_record& t, bool overwrite = true);

  store::assignment assign(const store::assign_request& req, const store::clock_point& now);

  std::expected<std::vector<store::assignment>, core::error> release(const std::string& ev,
                                                                     const store::clock_point& now);

  std::expected<void, core::error> accept(const std::string& ev, const std::string& m,
                                          const store::clock_point& now);

  store::sweep_result sweep(const store::clock_point& now);

  std::expected<std::optional<store::assignment>, core::error> claim(const std::string& team, const std::string& m,
                                                                     const store::clock_point& now);

  std::vector<store::assignment> set_state(const std::string& team, const std::string& m, bool active,
                                           const store::clock_point& now);

  std::vector<std::string> available(const std::string& team, const store::clock_point& now);

  // The contact's timeline entries, oldest first, as the contacts API reads them (so a first
  // touch the contact hash keeps inline counts too).
  std::vector<nlohmann::json> timeline(const std::string& contact);

  store::redis_client& client() { return *redis_; }

  store::assign_options opts;

 private:
  asio::io_context ioc_;
  std::shared_ptr<store::redis_client> redis_;
};

store::member_record member(std::string id, int weight = 1, int capacity = 0);

inline store::team_record team(std::string id, std::vector<store::member_record> members,
                               std::string fallback = {}) {
  return store::team_record{std::move(id), std::move(fallback), std::move(members)};
}

inline store::assign_request request(const std::string& ev, const std::string& team,
                                     store::assign_strategy s = store::assign_strategy::round_robin,
                                     const std::string& contact = {}) {
  store::assign_request r;
  r.event_id = ev;
  r.lead_id = "L-" + ev;
  r.contact_id = contact;
  r.team = team;
  r.strategy = s;
  r.rule = "test-rule";
  return r;
}

}  // namespace lg::test
