// Helpers of the assignment integration tests: a Redis client driven on the test thread (each
// call runs one coroutine to completion, bounded), teams seeded straight into the store, and
// the clock points the scripts take.
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

inline store::clock_point at_minute(std::int64_t minutes_after_monday_midnight) {
  store::clock_point c;
  c.epoch_ms = monday_ms + minutes_after_monday_midnight * 60000;
  c.minute_of_day = static_cast<int>(minutes_after_monday_midnight % 1440);
  c.iso_weekday = static_cast<int>(minutes_after_monday_midnight / 1440 % 7) + 1;
  return c;
}

class assign_env {
 public:
  explicit assign_env(const std::string& tenant) {
    opts.tenant = tenant;
    redis_ = store::redis_client::create(ioc_, test_redis_options());
    redis_->start();
    wait_connected(*redis_, &ioc_);
  }
  ~assign_env() {
    redis_->stop();
    ioc_.poll();
  }

  // Runs f(redis) as a coroutine to completion and returns its value.
  template <class T>
  T run(std::function<awaitable<T>(store::redis_client&)> f) {
    std::optional<T> out;
    bool ok = run_bounded(
        ioc_, [&]() -> awaitable<void> { out.emplace(co_await f(*redis_)); }, std::chrono::seconds(60));
    if (!ok || !out) throw std::runtime_error("assign_env: coroutine did not finish");
    return std::move(*out);
  }

  store::redis_reply exec(std::vector<std::string> cmd) {
    auto r = run<std::expected<store::redis_reply, core::error>>(
        [&](store::redis_client& c) { return c.async_exec(cmd); });
    if (!r) throw std::runtime_error("redis: " + r.error().message);
    return std::move(*r);
  }
  long long integer(std::vector<std::string> cmd) { return exec(std::move(cmd)).integer; }
  std::string str(std::vector<std::string> cmd) { return exec(std::move(cmd)).str; }

  void seed(const store::team_record& t, bool overwrite = true) {
    auto r = run<std::expected<bool, core::error>>(
        [&](store::redis_client& c) { return store::async_seed_team(c, opts, t, overwrite); });
    if (!r) throw std::runtime_error("seed: " + r.error().message);
  }

  store::assignment assign(const store::assign_request& req, const store::clock_point& now) {
    auto r = run<std::expected<store::assignment, core::error>>(
        [&](store::redis_client& c) { return store::async_assign(c, opts, req, now); });
    if (!r) throw std::runtime_error("assign: " + r.error().message);
    return *r;
  }

  std::expected<std::vector<store::assignment>, core::error> release(const std::string& ev,
                                                                     const store::clock_point& now) {
    return run<std::expected<std::vector<store::assignment>, core::error>>(
        [&](store::redis_client& c) { return store::async_release(c, opts, ev, "closed", now); });
  }

  std::expected<void, core::error> accept(const std::string& ev, const std::string& m,
                                          const store::clock_point& now) {
    return run<std::expected<void, core::error>>(
        [&](store::redis_client& c) { return store::async_accept(c, opts, ev, m, now); });
  }

  store::sweep_result sweep(const store::clock_point& now) {
    auto r = run<std::expected<store::sweep_result, core::error>>(
        [&](store::redis_client& c) { return store::async_sweep(c, opts, now); });
    if (!r) throw std::runtime_error("sweep: " + r.error().message);
    return *r;
  }

  std::expected<std::optional<store::assignment>, core::error> claim(const std::string& team, const std::string& m,
                                                                    const store::clock_point& now) {
    return run<std::expected<std::optional<store::assignment>, core::error>>(
        [&](store::redis_client& c) { return store::async_claim(c, opts, team, m, now); });
  }

  std::vector<store::assignment> set_state(const std::string& team, const std::string& m, bool active,
                                           const store::clock_point& now) {
    auto r = run<std::expected<std::vector<store::assignment>, core::error>>(
        [&](store::redis_client& c) { return store::async_set_member_state(c, opts, team, m, active, now); });
    if (!r) throw std::runtime_error("state: " + r.error().message);
    return *r;
  }

  std::vector<std::string> available(const std::string& team, const store::clock_point& now) {
    auto r = run<std::expected<std::vector<std::string>, core::error>>(
        [&](store::redis_client& c) { return store::async_available_members(c, opts, team, now); });
    if (!r) throw std::runtime_error("duty: " + r.error().message);
    return *r;
  }

  // The contact's timeline entries, oldest first, as the contacts API reads them (so a first
  // touch the contact hash keeps inline counts too).
  std::vector<nlohmann::json> timeline(const std::string& contact) {
    auto r = run<std::expected<std::optional<nlohmann::json>, core::error>>(
        [&](store::redis_client& c) { return store::async_get_contact(c, opts.tenant, contact, 200); });
    if (!r || !r->has_value()) throw std::runtime_error("timeline: no contact " + contact);
    std::vector<nlohmann::json> out;
    const auto& tl = (**r).at("timeline");
    for (auto it = tl.rbegin(); it != tl.rend(); ++it) out.push_back(*it);
    return out;
  }

  store::redis_client& client() { return *redis_; }

  store::assign_options opts;

 private:
  asio::io_context ioc_;
  std::shared_ptr<store::redis_client> redis_;
};

inline store::member_record member(std::string id, int weight = 1, int capacity = 0) {
  store::member_record m;
  m.id = id;
  m.name = "Member " + id;
  m.crm_user_id = "crm-" + id;
  m.weight = weight;
  m.capacity = capacity;
  m.id = std::move(id);
  return m;
}

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
