// The store calls of the assignment integration tests' harness of assign_harness.hpp.
#include "assign_harness.hpp"

namespace lg::test {

store::clock_point at_minute(std::int64_t minutes_after_monday_midnight) {
  store::clock_point c;
  c.epoch_ms = monday_ms + minutes_after_monday_midnight * 60000;
  c.minute_of_day = static_cast<int>(minutes_after_monday_midnight % 1440);
  c.iso_weekday = static_cast<int>(minutes_after_monday_midnight / 1440 % 7) + 1;
  return c;
}

assign_env::assign_env(const std::string& tenant) {
  opts.tenant = tenant;
  redis_ = store::redis_client::create(ioc_, test_redis_options());
  redis_->start();
  wait_connected(*redis_, &ioc_);
}

assign_env::~assign_env() {
  redis_->stop();
  ioc_.poll();
}

store::redis_reply assign_env::exec(std::vector<std::string> cmd) {
  auto r = run<std::expected<store::redis_reply, core::error>>(
      [&](store::redis_client& c) { return c.async_exec(cmd); });
  if (!r) throw std::runtime_error("redis: " + r.error().message);
  return std::move(*r);
}

void assign_env::seed(const store::team_record& t, bool overwrite) {
  auto r = run<std::expected<bool, core::error>>(
      [&](store::redis_client& c) { return store::async_seed_team(c, opts, t, overwrite); });
  if (!r) throw std::runtime_error("seed: " + r.error().message);
}

store::assignment assign_env::assign(const store::assign_request& req, const store::clock_point& now) {
  auto r = run<std::expected<store::assignment, core::error>>(
      [&](store::redis_client& c) { return store::async_assign(c, opts, req, now); });
  if (!r) throw std::runtime_error("assign: " + r.error().message);
  return *r;
}

std::expected<std::vector<store::assignment>, core::error> assign_env::release(const std::string& ev,
                                                                               const store::clock_point& now) {
  return run<std::expected<std::vector<store::assignment>, core::error>>(
      [&](store::redis_client& c) { return store::async_release(c, opts, ev, "closed", now); });
}

std::expected<void, core::error> assign_env::accept(const std::string& ev, const std::string& m,
                                                    const store::clock_point& now) {
  return run<std::expected<void, core::error>>(
      [&](store::redis_client& c) { return store::async_accept(c, opts, ev, m, now); });
}

store::sweep_result assign_env::sweep(const store::clock_point& now) {
  auto r = run<std::expected<store::sweep_result, core::error>>(
      [&](store::redis_client& c) { return store::async_sweep(c, opts, now); });
  if (!r) throw std::runtime_error("sweep: " + r.error().message);
  return *r;
}

std::expected<std::optional<store::assignment>, core::error> assign_env::claim(const std::string& team, const std::string& m,
                                                                               const store::clock_point& now) {
  return run<std::expected<std::optional<store::assignment>, core::error>>(
      [&](store::redis_client& c) { return store::async_claim(c, opts, team, m, now); });
}

std::vector<store::assignment> assign_env::set_state(const std::string& team, const std::string& m, bool active,
                                                     const store::clock_point& now) {
  auto r = run<std::expected<std::vector<store::assignment>, core::error>>(
      [&](store::redis_client& c) { return store::async_set_member_state(c, opts, team, m, active, now); });
  if (!r) throw std::runtime_error("state: " + r.error().message);
  return *r;
}

std::vector<std::string> assign_env::available(const std::string& team, const store::clock_point& now) {
  auto r = run<std::expected<std::vector<std::string>, core::error>>(
      [&](store::redis_client& c) { return store::async_available_members(c, opts, team, now); });
  if (!r) throw std::runtime_error("duty: " + r.error().message);
  return *r;
}

std::vector<nlohmann::json> assign_env::timeline(const std::string& contact) {
  auto r = run<std::expected<std::optional<nlohmann::json>, core::error>>(
      [&](store::redis_client& c) { return store::async_get_contact(c, opts.tenant, contact, 200); });
  if (!r || !r->has_value()) throw std::runtime_error("timeline: no contact " + contact);
  std::vector<nlohmann::json> out;
  const auto& tl = (**r).at("timeline");
  for (auto it = tl.rbegin(); it != tl.rend(); ++it) out.push_back(*it);
  return out;
}

store::member_record member(std::string id, int weight, int capacity) {
  store::member_record m;
  m.id = id;
  m.name = "Member " + id;
  m.crm_user_id = "crm-" + id;
  m.weight = weight;
  m.capacity = capacity;
  m.id = std::move(id);
  return m;
}

}  // namespace lg::test
