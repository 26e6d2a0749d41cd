// Four processes, each with its own io_context and connection, assign the same 2,000 leads at
// once: every lead ends with exactly one decision, no lead is in two members' open sets, no
// member passes its capacity, and the rest wait in the backlog.
#include "assign_harness.hpp"

#include <random>
#include <set>
#include <sys/wait.h>

namespace lg::test {
namespace {

constexpr int leads = 2000;
constexpr int capacity = 100;
const std::vector<std::string> members{"a", "b", "c", "d"};

// A child process: assigns every lead (in its own shuffled order, 16 coroutines at a time on its
// one connection); exits 0 when every call succeeded.
pid_t spawn_assigner(const std::string& tenant, unsigned seed, store::assign_strategy s) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  int failures = 0;
  {
    assign_env env(tenant);
    std::vector<int> order(leads);
    for (int i = 0; i < leads; ++i) order[static_cast<std::size_t>(i)] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    std::size_t next = 0;
    env.run<int>([&](store::redis_client& c) -> awaitable<int> {
      auto worker = [&]() -> awaitable<void> {
        while (next < order.size()) {
          int i = order[next++];
          auto req = request("ev" + std::to_string(i), "hn-1", s);
          const store::clock_point now = at_minute(600 + i % 60);
          auto r = co_await store::async_assign(c, env.opts, req, now);
          if (!r) ++failures;
        }
      };
      auto ex = co_await asio::this_coro::executor;
      int running = 16;
      for (int k = 0; k < 16; ++k)
        asio::co_spawn(ex, worker(), [&](std::exception_ptr e) {
          if (e) ++failures;
          --running;
        });
      while (running > 0) co_await sleep_for(std::chrono::milliseconds(5));
      co_return 0;
    });
  }
  ::_exit(failures == 0 ? 0 : 1);
}

void run_concurrent(store::assign_strategy s) {
  const std::string tenant = fresh_tenant("aconc");
  {
    // Seeded in a child too, so the parent starts no thread or connection before forking.
    pid_t seeder = ::fork();
    if (seeder == 0) {
      int rc = 0;
      try {
        assign_env env(tenant);
        std::vector<store::member_record> ms;
        for (const auto& m : members) ms.push_back(member(m, 1, capacity));
        env.seed(team("hn-1", ms));
      } catch (...) {
        rc = 1;
      }
      ::_exit(rc);
    }
    int st = 0;
    ::waitpid(seeder, &st, 0);
    ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  std::vector<pid_t> pids;
  for (unsigned k = 0; k < 4; ++k) pids.push_back(spawn_assigner(tenant, 100 + k, s));
  for (pid_t p : pids) {
    int st = 0;
    ::waitpid(p, &st, 0);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "an assigner failed";
  }

  assign_env env(tenant);
  std::set<std::string> owned;
  long long total = 0;
  for (const auto& m : members) {
    auto r = env.exec(cmd("SMEMBERS", store::keys::member_open(tenant, "hn-1", m)));
    EXPECT_LE(static_cast<int>(r.elements.size()), capacity) << m;
    for (const auto& e : r.elements) {
      EXPECT_TRUE(owned.insert(e.str).second) << e.str << " is open with two members";
      EXPECT_EQ(env.str(cmd("HGET", store::keys::assignment(tenant, e.str), "m")), m);
    }
    total += static_cast<long long>(r.elements.size());
  }
  EXPECT_EQ(total, static_cast<long long>(members.size()) * capacity);
  const long long waiting = env.integer(cmd("ZCARD", store::keys::backlog(tenant, "hn-1")));
  EXPECT_EQ(waiting + total, leads);
  // One decision per lead: one queue entry per lead, one outbox entry per assigned lead.
  EXPECT_EQ(env.integer(cmd("XLEN", store::keys::team_queue(tenant, "hn-1"))), leads);
  EXPECT_EQ(env.integer(cmd("XLEN", store::keys::outbox(tenant))), total);
  int records = 0;
  for (int i = 0; i < leads; ++i) {
    auto st = env.str(cmd("HGET", store::keys::assignment(tenant, "ev" + std::to_string(i)), "st"));
    EXPECT_TRUE(st == "assigned" || st == "backlog") << i << ": " << st;
    ++records;
  }
  EXPECT_EQ(records, leads);
}

TEST(AssignConcurrency, FourProcessesRoundRobinNeverDoubleAssignNorPassCapacity) {
  run_concurrent(store::assign_strategy::round_robin);
}

TEST(AssignConcurrency, FourProcessesLeastLoadedNeverDoubleAssignNorPassCapacity) {
  run_concurrent(store::assign_strategy::least_loaded);
}

}  // namespace
}  // namespace lg::test
