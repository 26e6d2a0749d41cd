// The routing stage: decide() then one assign.lua call per event; team seeding; SLA sweep timer.
#include "pipeline/assign_stage.hpp"
#include "core/time_format.hpp"

#include "routing/assign_plan.hpp"
#include "store/contacts.hpp"

#include "logging/logging.hpp"

namespace lg::pipeline {

store::team_record to_team_record(const routing::team& t) {
  store::team_record r;
  r.id = t.id;
  r.fallback_team = t.fallback_team;
  for (const auto& m : t.members) {
    store::member_record mr;
    mr.id = m.id;
    mr.name = m.name;
    mr.crm_user_id = m.crm_user_id;
    mr.weight = m.weight;
    mr.capacity = m.capacity;
    mr.active = m.active;
    mr.hours = routing::encode_hours(m);
    r.members.push_back(std::move(mr));
  }
  return r;
}

store::assign_strategy to_assign_strategy(routing::strategy s) noexcept {
  switch (s) {
    case routing::strategy::round_robin: return store::assign_strategy::round_robin;
    case routing::strategy::weighted_round_robin: return store::assign_strategy::weighted_round_robin;
    case routing::strategy::least_loaded: return store::assign_strategy::least_loaded;
    case routing::strategy::claim: return store::assign_strategy::claim;
  }
  return store::assign_strategy::round_robin;
}

store::assign_request make_assign_request(const processed_event& pe, const routing::decision& d) {
  store::assign_request r;
  r.event_id = pe.event.event_id;
  r.lead_id = pe.event.lead_id;
  r.contact_id = pe.contact.contact_id;
  r.team = d.action.team;
  r.strategy = to_assign_strategy(d.action.strategy);
  r.sticky_owner = d.action.sticky_owner;
  r.sla_minutes = d.action.sla_minutes;
  r.priority = d.action.priority;
  r.rule = d.rule;
  return r;
}

store::clock_point make_clock_point(std::int64_t epoch_ms, const std::string& time_zone) {
  auto local = routing::to_local(epoch_ms, time_zone);
  store::clock_point c;
  c.epoch_ms = epoch_ms;
  c.minute_of_day = local.minute_of_day;
  c.iso_weekday = local.iso_weekday;
  return c;
}

std::shared_ptr<assign_stage> assign_stage::create(routing::rule_set rules, std::vector<routing::team> teams,
                                                   assign_stage_options opts, const core::time_source& clock) {
  return std::shared_ptr<assign_stage>(new assign_stage(std::move(rules), std::move(teams), std::move(opts), clock));
}

assign_stage::assign_stage(routing::rule_set rules, std::vector<routing::team> teams, assign_stage_options opts,
                           const core::time_source& clock)
    : rules_(std::make_shared<const routing::rule_set>(std::move(rules))),
      teams_(std::move(teams)),
      opts_(std::move(opts)),
      clock_(clock) {}

void assign_stage::set_rules(routing::rule_set rules) {
  auto next = std::make_shared<const routing::rule_set>(std::move(rules));
  std::lock_guard lock(mutex_);
  rules_ = std::move(next);
}

std::shared_ptr<const routing::rule_set> assign_stage::rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

std::vector<assignment_count> assign_stage::assignment_counts() const {
  std::vector<assignment_count> out;
  std::lock_guard lock(mutex_);
  for (const auto& [k, n] : counts_) out.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), n});
  return out;
}

store::clock_point assign_stage::now() const { return make_clock_point(clock_.now_ms(), opts_.time_zone); }

assign_route_fn assign_stage::route(std::shared_ptr<store::redis_client> redis) {
  return [self = shared_from_this(), redis](const processed_event& pe) -> awaitable<std::expected<void, core::error>> {
    auto r = co_await self->async_route(*redis, pe);
    if (!r) co_return std::unexpected(r.error());
    std::expected<void, core::error> ok;
    co_return ok;
  };
}

awaitable<std::expected<store::assignment, core::error>> assign_stage::async_route(store::redis_client& redis,
                                                                                   const processed_event& pe) {
  auto rules = this->rules();
  // Rules see the event's own time, so a redelivered event decides as the first run did.
  std::int64_t event_ms = clock_.now_ms();
  if (auto s = core::parse_rfc3339(pe.event.occurred_at.empty() ? pe.event.received_at : pe.event.occurred_at))
    event_ms = *s * 1000;
  routing::lead_view view{pe.event, pe.contact.returning, pe.contact.owner, pe.contact.team};
  const auto decision = routing::decide(view, *rules, routing::to_local(event_ms, opts_.time_zone));
  auto req = make_assign_request(pe, decision);
  if (req.team.empty()) req.team = rules->default_team;
  const store::clock_point at = now();
  auto r = co_await store::async_assign(redis, opts_.store, req, at);
  if (!r) {
    ++stats_.errors;
    co_return r;
  }
  if (r->duplicate) {
    ++stats_.duplicates;
    co_return r;
  }
  if (r->member.empty()) ++stats_.waiting;
  else ++stats_.assigned;
  {
    std::lock_guard lock(mutex_);
    ++counts_[{r->team, std::string(routing::to_string(decision.action.strategy)), r->state}];
  }
  co_return r;
}

awaitable<std::expected<void, core::error>> assign_stage::async_seed(store::redis_client& redis, bool overwrite) {
  for (const auto& t : teams_) {
    const store::team_record rec = to_team_record(t);
    auto r = co_await store::async_seed_team(redis, opts_.store, rec, overwrite);
    if (!r) co_return std::unexpected(r.error());
  }
  std::expected<void, core::error> ok;
  co_return ok;
}

void assign_stage::start_sweeper(std::shared_ptr<store::redis_client> redis) {
  if (sweeper_ && sweeper_->running()) return;
  sweeper_ = std::make_unique<runtime::loop>(redis->context().get_executor());
  sweeper_->start(sweep_loop(redis), "assignment SLA sweeper", shared_from_this());
}

awaitable<void> assign_stage::async_stop_sweeper() {
  if (!sweeper_) co_return;
  sweeper_->stop();
  co_await sweeper_->async_ended();
  // The loop's timers belong to that io_context, which may end before this stage does.
  sweeper_.reset();
}

awaitable<void> assign_stage::sweep_loop(std::shared_ptr<store::redis_client> redis) {
  while (!sweeper_->stopping()) {
    co_await sweeper_->pause(opts_.sweep_interval);
    if (sweeper_->stopping()) break;
    const store::clock_point at = now();
    auto r = co_await store::async_sweep(*redis, opts_.store, at);
    ++stats_.sweeps;
    if (!r) {
      logging::warn("assignment SLA sweep failed", {{"reason", r.error().message}});
      continue;
    }
    stats_.reassigned += static_cast<std::uint64_t>(r->reassigned + r->escalated);
    if (r->reassigned + r->escalated + r->missed + r->drained > 0) {
      logging::info("assignment SLA sweep", {{"reassigned", std::to_string(r->reassigned)},
                                              {"escalated", std::to_string(r->escalated)},
                                              {"missed", std::to_string(r->missed)},
                                              {"drained", std::to_string(r->drained)}});
    }
  }
}

}  // namespace lg::pipeline
