// The processing worker's async routing stage: called for every resolved event before its
// XACK; a failing route leaves the entry pending, it is delivered again and acknowledged once
// route succeeds; a redelivered event (resolve is a no-op) still reaches route with the same
// contact info, so an idempotent stage can finish what a crash interrupted.
#include "identity_harness.hpp"

#include <map>
#include <mutex>

namespace lg::test {
namespace {

using route_result = std::expected<void, core::error>;

route_result route_ok() { return {}; }
// A routing stage's failure: its destination is unavailable.
route_result route_down(const std::string& why) {
  return std::unexpected(core::make_error(core::errc::unavailable, why));
}

// Waits (30 s at the most) until the routing stage of `w` failed at least once.
bool wait_route_failure(const worker_thread& w) {
  return wait_until([&] { return w.stats().route_failures.load() >= 1; }, std::chrono::seconds(30));
}

core::lead_event route_event(const std::string& id, const std::string& phone) {
  auto e = web_form_event("route:" + id, "L-" + id, "Trần Thị Mai");
  e.contact.phones = {phone};
  return e;
}

// Ids of the entries of group "process" still pending.
std::set<std::string> pending_ids(blocking_redis& r, const std::string& tenant) {
  auto p = r.exec({"XPENDING", store::keys::inbound(tenant), "process", "-", "+", "1000"});
  std::set<std::string> ids;
  for (const auto& e : p.elements)
    if (e.is_array() && !e.elements.empty()) ids.insert(e.elements[0].str);
  return ids;
}

std::size_t touches_of(blocking_redis& r, const std::string& tenant, const std::string& contact,
                       const std::string& lead) {
  std::size_t n = 0;
  for (const auto& j : r.timeline(tenant, contact))
    if (j.value("k", "") == "touch" && j.value("lead", "") == lead) ++n;
  return n;
}

struct call {
  std::string stream_id, event_id, contact_id, owner, team;
  bool returning = false, duplicate = false, pending_at_call = false;
};

// The calls a test's routing stage saw, in order (record() runs on the worker's thread).
struct call_log {
  std::mutex mu;
  std::vector<call> calls;
  void record(const pipeline::processed_event& ev, bool pending_at_call) {
    std::lock_guard lock(mu);
    calls.push_back({ev.stream_id, ev.event.event_id, ev.contact.contact_id, ev.contact.owner, ev.contact.team,
                     ev.contact.returning, ev.contact.duplicate, pending_at_call});
  }
  // A copy of the calls so far (the worker stopped: all of them).
  std::vector<call> seen() {
    std::lock_guard lock(mu);
    return calls;
  }
};

TEST(IdentityRoute, CalledBeforeXackWithTheContact) {
  const std::string tenant = fresh_tenant("route");
  blocking_redis r;
  call_log route_calls;
  auto opts = test_worker_options(tenant);
  opts.route = [&](const pipeline::processed_event& ev) -> awaitable<route_result> {
    route_calls.record(ev, pending_ids(r, tenant).contains(ev.stream_id));
    co_return route_ok();
  };
  std::vector<std::vector<std::string>> cmds{xadd_command(tenant, route_event("a1", "+84912000001")),
                                             xadd_command(tenant, route_event("a2", "+84912000001")),
                                             xadd_command(tenant, route_event("b1", "+84912000002"))};
  r.exec_all(std::move(cmds));
  {
    worker_thread w(opts);
    ASSERT_TRUE(wait_drained(r, tenant));
    EXPECT_EQ(w.stats().routed.load(), 3u);
    EXPECT_EQ(w.stats().route_failures.load(), 0u);
  }
  const auto calls = route_calls.seen();
  ASSERT_EQ(calls.size(), 3u);
  std::map<std::string, call> by_event;
  for (const auto& c : calls) {
    EXPECT_TRUE(c.pending_at_call) << c.event_id << ": route ran after the XACK";
    EXPECT_FALSE(c.duplicate);
    EXPECT_EQ(c.team, "hn-1");
    by_event[c.event_id] = c;
  }
  // a1 and a2 are one person (one phone): the second is returning, on the same contact.
  EXPECT_FALSE(by_event["route:a1"].returning);
  EXPECT_TRUE(by_event["route:a2"].returning);
  EXPECT_EQ(by_event["route:a1"].contact_id, by_event["route:a2"].contact_id);
  EXPECT_NE(by_event["route:a1"].contact_id, by_event["route:b1"].contact_id);
  EXPECT_EQ(r.count_keys(store::keys::prefix(tenant) + "done:*"), 0u);
}

TEST(IdentityRoute, FailingRouteLeavesTheEntryPendingUntilItSucceeds) {
  const std::string tenant = fresh_tenant("routefail");
  blocking_redis r;
  // A returning person with an owner: the route must see owner and team on every attempt.
  r.exec(xadd_command(tenant, route_event("first", "+84912000003")));
  {
    worker_thread w(test_worker_options(tenant));
    ASSERT_TRUE(wait_drained(r, tenant));
  }
  const std::string contact = r.find_contact(tenant, "phone:+84912000003");
  ASSERT_FALSE(contact.empty());
  r.exec({"HSET", store::keys::prefix(tenant) + "c:" + contact, "o", "agent-7"});

  call_log route_calls;
  std::atomic<int> failures_left{2};
  auto opts = test_worker_options(tenant);
  opts.route = [&](const pipeline::processed_event& ev) -> awaitable<route_result> {
    route_calls.record(ev, pending_ids(r, tenant).contains(ev.stream_id));
    if (failures_left.fetch_sub(1) > 0) {
      co_return route_down("routing down");
    }
    co_return route_ok();
  };
  const std::string stream_id = r.exec(xadd_command(tenant, route_event("again", "+84912000003"))).str;
  {
    worker_thread w(opts);
    // After the first failure the entry is still pending, unacknowledged.
    ASSERT_TRUE(wait_route_failure(w));
    EXPECT_TRUE(pending_ids(r, tenant).contains(stream_id));
    EXPECT_FALSE(drained(r, tenant));
    // claim_idle is 1 s in tests: claimed again, failing once more, then routed and acked.
    ASSERT_TRUE(wait_drained(r, tenant));
    EXPECT_EQ(w.stats().route_failures.load(), 2u);
    EXPECT_EQ(w.stats().routed.load(), 1u);
    EXPECT_EQ(w.stats().processed.load(), 1u);   // resolved with effect once
    EXPECT_EQ(w.stats().duplicates.load(), 2u);  // the retries were no-ops for resolve
  }
  const auto calls = route_calls.seen();
  ASSERT_EQ(calls.size(), 3u);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const auto& c = calls[i];
    EXPECT_EQ(c.stream_id, stream_id);
    EXPECT_TRUE(c.pending_at_call);
    EXPECT_EQ(c.duplicate, i > 0) << "attempt " << i;
    EXPECT_EQ(c.contact_id, contact);
    EXPECT_TRUE(c.returning);
    EXPECT_EQ(c.owner, "agent-7");
    EXPECT_EQ(c.team, "hn-1");
  }
  // The retries had no second effect: one touch for the event.
  EXPECT_EQ(touches_of(r, tenant, contact, "L-again"), 1u);
  EXPECT_EQ(r.count_keys(store::keys::prefix(tenant) + "done:*"), 0u);
}

TEST(IdentityRoute, RedeliveredEventReachesRouteInAnotherWorker) {
  const std::string tenant = fresh_tenant("routedup");
  blocking_redis r;
  call_log route_calls;
  auto record = [&](const pipeline::processed_event& ev) { route_calls.record(ev, true); };
  r.exec(xadd_command(tenant, route_event("crash", "+84912000004")));
  // The first worker resolves, then its routing stage fails (as if it died before routing).
  {
    auto opts = test_worker_options(tenant);
    opts.claim_idle = std::chrono::milliseconds(60000);  // it does not retry by itself
    opts.route = [&](const pipeline::processed_event& ev) -> awaitable<route_result> {
      record(ev);
      co_return route_down("crash");
    };
    worker_thread w(opts);
    ASSERT_TRUE(wait_route_failure(w));
  }
  ASSERT_EQ(pending_ids(r, tenant).size(), 1u);
  // A second worker claims it: resolve is a no-op, route runs with the same contact info.
  {
    auto opts = test_worker_options(tenant);
    opts.route = [&](const pipeline::processed_event& ev) -> awaitable<route_result> {
      record(ev);
      co_return route_ok();
    };
    worker_thread w(opts);
    ASSERT_TRUE(wait_drained(r, tenant));
    EXPECT_EQ(w.stats().duplicates.load(), 1u);
    EXPECT_EQ(w.stats().processed.load(), 0u);
  }
  const auto calls = route_calls.seen();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_FALSE(calls[0].duplicate);
  EXPECT_TRUE(calls[1].duplicate);
  EXPECT_EQ(calls[1].contact_id, calls[0].contact_id);
  EXPECT_EQ(calls[1].returning, calls[0].returning);
  EXPECT_EQ(calls[1].owner, calls[0].owner);
  EXPECT_EQ(calls[1].team, calls[0].team);
  EXPECT_EQ(touches_of(r, tenant, calls[0].contact_id, "L-crash"), 1u);
}

TEST(IdentityRoute, RouteExceptionLeavesTheEntryPending) {
  const std::string tenant = fresh_tenant("routethrow");
  blocking_redis r;
  auto opts = test_worker_options(tenant);
  opts.claim_idle = std::chrono::milliseconds(60000);
  opts.route = [](const pipeline::processed_event&) -> awaitable<route_result> {
    throw std::runtime_error("routing stage bug");
    route_result unreachable;
    co_return unreachable;
  };
  const std::string stream_id = r.exec(xadd_command(tenant, route_event("throw", "+84912000005"))).str;
  worker_thread w(opts);
  ASSERT_TRUE(wait_route_failure(w));
  EXPECT_TRUE(pending_ids(r, tenant).contains(stream_id));
  EXPECT_EQ(w.stats().routed.load(), 0u);
}

}  // namespace
}  // namespace lg::test
