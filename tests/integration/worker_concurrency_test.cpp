// Several processing workers in several processes on one stream: 20,000 events of 2,000 people
// in random order end as exactly 2,000 contacts, every event applied exactly once; a worker
// killed with SIGKILL mid-stream is taken over through XAUTOCLAIM with the same result; two
// workers resolving two events of one person at the same moment end with one contact.
#include "identity_harness.hpp"

#include <csignal>
#include <random>
#include <sys/wait.h>

namespace lg::test {
namespace {

struct person {
  std::string phone, email, zalo, name;
};

person make_person(int i) {
  char phone[32];
  std::snprintf(phone, sizeof(phone), "+8491%07d", i);
  static const char* given[] = {"Lan", "Minh", "Hùng", "Trang", "Anh", "Hoa", "Tuấn", "Linh"};
  return {phone, "p" + std::to_string(i) + "@example.com", "z" + std::to_string(i),
          std::string("Nguyễn Văn ") + given[i % 8]};
}

// Ten events per person: one carrying all three keys (so the person is connected whatever
// the order), nine with a random non-empty subset; then everything shuffled.
std::vector<core::lead_event> make_events(int people, int per_person, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<core::lead_event> out;
  for (int i = 0; i < people; ++i) {
    person p = make_person(i);
    for (int k = 0; k < per_person; ++k) {
      core::lead_event e;
      e.event_id = "test:ev:" + std::to_string(i) + ":" + std::to_string(k);
      e.lead_id = "L" + std::to_string(i) + "-" + std::to_string(k);
      e.source = "src";
      e.chan = core::channel::web_form;
      e.received_at = e.occurred_at = "2026-11-22T03:00:00.000Z";
      e.contact.full_name = p.name;
      unsigned mask = k == 0 ? 7u : 1u + rng() % 7u;
      if (mask & 1u) e.contact.phones = {p.phone};
      if (mask & 2u) e.contact.emails = {p.email};
      if (mask & 4u) e.contact.ids = {{"zalo", p.zalo}, {"zalo_oa", "oa1"}};
      out.push_back(std::move(e));
    }
  }
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

// A worker process: its own io_context and connection; runs until killed.
pid_t spawn_worker_process(const std::string& tenant) {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  {
    asio::io_context ioc;
    auto client = store::redis_client::create(ioc, test_redis_options());
    client->start();
    auto opts = test_worker_options(tenant);
    auto w = pipeline::resolve_stage::create(client, opts);
    w->start();
    ioc.run();
  }
  ::_exit(0);
}

void stop_processes(const std::vector<pid_t>& pids) {
  for (pid_t p : pids) ::kill(p, SIGKILL);
  for (pid_t p : pids) ::waitpid(p, nullptr, 0);
}

// Exactly `people` contacts, each person's keys on one of them, each event applied once.
void check_result(blocking_redis& r, const std::string& tenant, int people, int per_person) {
  const std::string pfx = store::keys::prefix(tenant);
  EXPECT_EQ(r.count_keys(pfx + "c:*"), static_cast<std::size_t>(people));
  std::set<std::string> contacts;
  for (int i = 0; i < people; ++i) {
    person p = make_person(i);
    std::set<std::string> mine;
    for (const auto& k : {"phone:" + p.phone, "email:" + p.email, "zalo:oa1:" + p.zalo}) {
      auto id = r.find_contact(tenant, k);
      ASSERT_FALSE(id.empty()) << k;
      mine.insert(id);
    }
    EXPECT_EQ(mine.size(), 1u) << "person " << i;
    contacts.insert(*mine.begin());
  }
  EXPECT_EQ(contacts.size(), static_cast<std::size_t>(people));
  // One timeline touch per event, no lead twice: nothing lost, nothing applied twice.
  std::set<std::string> leads;
  std::size_t touches = 0;
  for (const auto& c : contacts) {
    for (const auto& j : r.timeline(tenant, c)) {
      if (j.at("k") != "touch") continue;
      ++touches;
      leads.insert(j.at("lead").get<std::string>());
    }
  }
  EXPECT_EQ(touches, static_cast<std::size_t>(people * per_person));
  EXPECT_EQ(leads.size(), static_cast<std::size_t>(people * per_person));
  EXPECT_EQ(r.count_keys(pfx + "done:*"), 0u);  // markers go after XACK
}

void push(blocking_redis& r, const std::string& tenant, const std::vector<core::lead_event>& evs) {
  std::vector<std::vector<std::string>> cmds;
  for (const auto& e : evs) cmds.push_back(xadd_command(tenant, e));
  r.exec_all(std::move(cmds));
}

TEST(WorkerConcurrency, FourProcessesTwentyThousandEvents) {
  const std::string tenant = fresh_tenant("conc");
  const int people = 2000, per = 10;
  auto events = make_events(people, per, 7);
  std::vector<pid_t> pids;  // forked before this process starts any thread
  for (int i = 0; i < 4; ++i) pids.push_back(spawn_worker_process(tenant));
  blocking_redis r;
  push(r, tenant, events);
  bool ok = wait_drained(r, tenant, std::chrono::seconds(240));
  // Trimming follows the acknowledgements: the backlog bound counts only unprocessed entries.
  bool trimmed = ok && wait_until([&] { return r.exec({"XLEN", store::keys::inbound(tenant)}).integer == 0; },
                                  std::chrono::seconds(10));
  stop_processes(pids);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(trimmed);
  check_result(r, tenant, people, per);
}

TEST(WorkerConcurrency, KilledWorkerIsTakenOver) {
  const std::string tenant = fresh_tenant("crash");
  const int people = 500, per = 10;
  auto events = make_events(people, per, 11);
  pid_t victim = spawn_worker_process(tenant);
  blocking_redis r;
  push(r, tenant, events);
  // Let the victim take entries, then kill it while it holds some pending.
  auto read_so_far = [&] {
    auto g = r.exec({"XINFO", "GROUPS", store::keys::inbound(tenant)});
    if (!g.is_array() || g.elements.empty()) return 0LL;
    for (std::size_t i = 0; i + 1 < g.elements[0].elements.size(); i += 2)
      if (g.elements[0].elements[i].str == "entries-read") return g.elements[0].elements[i + 1].integer;
    return 0LL;
  };
  ASSERT_TRUE(wait_until([&] { return read_so_far() >= 1000; }, std::chrono::seconds(60)));
  ::kill(victim, SIGKILL);
  ::waitpid(victim, nullptr, 0);
  std::printf("killed the worker after %lld entries were read\n", read_so_far());
  pid_t heir = spawn_worker_process(tenant);
  bool ok = wait_drained(r, tenant, std::chrono::seconds(120));
  stop_processes({heir});
  ASSERT_TRUE(ok);
  check_result(r, tenant, people, per);
}

TEST(WorkerConcurrency, SamePersonAtTheSameMomentIsOneContact) {
  const std::string tenant = fresh_tenant("moment");
  const int people = 300;
  blocking_redis r;
  // Each person exists twice first (by phone, by Zalo); then two events naming both keys
  // arrive side by side and go to two workers.
  std::vector<core::lead_event> first, second;
  for (int i = 0; i < people; ++i) {
    person p = make_person(i);
    for (int k = 0; k < 4; ++k) {
      core::lead_event e;
      e.event_id = "m:" + std::to_string(i) + ":" + std::to_string(k);
      e.lead_id = e.event_id;
      e.source = "src";
      e.occurred_at = "2026-11-22T03:00:00Z";
      e.contact.full_name = p.name;
      if (k != 1) e.contact.phones = {p.phone};
      if (k != 0) e.contact.ids = {{"zalo", p.zalo}, {"zalo_oa", "oa1"}};
      (k < 2 ? first : second).push_back(std::move(e));
    }
  }
  push(r, tenant, first);
  {
    worker_thread w(test_worker_options(tenant));
    ASSERT_TRUE(wait_drained(r, tenant, std::chrono::seconds(60)));
  }
  EXPECT_EQ(r.count_keys(store::keys::prefix(tenant) + "c:*"), static_cast<std::size_t>(2 * people));
  auto opts = test_worker_options(tenant);
  opts.batch = 1;  // one entry each: the two events of a person go to different workers
  push(r, tenant, second);
  {
    worker_thread a(opts), b(opts);
    ASSERT_TRUE(wait_drained(r, tenant, std::chrono::seconds(60)));
    EXPECT_GT(a.stats().processed.load(), 0u);
    EXPECT_GT(b.stats().processed.load(), 0u);
  }
  EXPECT_EQ(r.count_keys(store::keys::prefix(tenant) + "c:*"), static_cast<std::size_t>(people));
  EXPECT_EQ(r.count_keys(store::keys::prefix(tenant) + "alias:*"), static_cast<std::size_t>(people));
}

}  // namespace
}  // namespace lg::test
