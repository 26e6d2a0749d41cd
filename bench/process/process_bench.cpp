// lg_process_bench: events/s through identity resolution (the real pipeline::resolve_stage and
// resolve.lua) with N contacts already stored, and Redis bytes per contact.
//
//   1. preload: N new people (phone + email + Zalo id each: three identities) are pushed to
//      lg:{t}:in with pipelined XADDs and resolved by the workers; used_memory (INFO memory)
//      before and after, divided by N, is the cost of one contact with its keys, name index
//      entry and one timeline touch (the inbound stream and the sync outbox are trimmed, done
//      markers deleted).
//   2. measure: M events (half returning people, half new) are pushed while no worker runs,
//      then the workers start and the clock runs until the group has acknowledged all of them.
#include "pipeline/resolve_stage.hpp"
#include "store/contacts.hpp"
#include "store/keys.hpp"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <future>
#include <random>
#include <thread>

using namespace lg;
using clk = std::chrono::steady_clock;

namespace {

struct session {
  asio::io_context ioc;
  std::shared_ptr<store::redis_client> client;
  explicit session(const store::redis_options& o) {
    client = store::redis_client::create(ioc, o);
    client->start();
    for (int i = 0; i < 500 && !client->connected(); ++i) {
      ioc.run_for(std::chrono::milliseconds(10));
      ioc.restart();
    }
  }
  // Runs all commands pipelined (at most `window` in flight) and waits for their replies.
  std::vector<store::redis_reply> run(std::vector<std::vector<std::string>> cmds, std::size_t window = 2000) {
    std::vector<store::redis_reply> out(cmds.size());
    std::size_t next = 0, done = 0;
    std::function<void()> pump = [&] {
      while (next < cmds.size() && next - done < window) {
        std::size_t i = next++;
        client->exec(std::move(cmds[i]), [&, i](auto r) {
          if (r) out[i] = std::move(*r);
          ++done;
          pump();
        });
      }
    };
    pump();
    while (done < cmds.size()) ioc.run_one();
    return out;
  }
  store::redis_reply one(std::vector<std::string> cmd) { return run({std::move(cmd)})[0]; }
};

long long used_memory(session& s) {
  auto r = s.one({"INFO", "memory"});
  auto pos = r.str.find("used_memory:");
  return pos == std::string::npos ? 0 : std::atoll(r.str.c_str() + pos + 12);
}

core::lead_event person_event(long long i, long long n) {
  core::lead_event e;
  e.event_id = "bench:" + std::to_string(i) + ":" + std::to_string(n);
  // Lead ids have the length of core::new_lead_id's ("ld_" + 26 characters).
  char lead[40];
  std::snprintf(lead, sizeof(lead), "ld_01JD%010lld%010lld", i, n);
  e.lead_id = lead;
  e.source = "web-main";
  e.chan = core::channel::web_form;
  e.occurred_at = e.received_at = "2026-11-22T03:00:00.000Z";
  static const char* given[] = {"Lan", "Minh", "Hùng", "Trang", "Anh", "Hoa", "Tuấn", "Linh"};
  e.contact.full_name = std::string("Nguyễn Thị ") + given[i % 8];
  char phone[32];
  std::snprintf(phone, sizeof(phone), "+8490%07lld", i % 10000000);
  e.contact.phones = {phone};
  e.contact.emails = {"hv" + std::to_string(i) + "@gmail.com"};
  e.contact.ids = {{"zalo", std::to_string(1000000000000LL + i)}, {"zalo_oa", "oa1"}};
  e.message = "Cho em hỏi học phí lớp IELTS";
  e.campaign.utm["utm_campaign"] = "ielts-t11";
  return e;
}

void push(session& s, const std::string& tenant, long long from, long long count,
          const std::function<core::lead_event(long long)>& make) {
  const long long chunk = 20000;
  for (long long base = 0; base < count; base += chunk) {
    std::vector<std::vector<std::string>> cmds;
    for (long long k = base; k < std::min(count, base + chunk); ++k) {
      nlohmann::json j = make(from + k);
      cmds.push_back({"XADD", store::keys::inbound(tenant), "*", "lead", j.dump(), "lead_id", "x"});
    }
    s.run(std::move(cmds));
  }
}

long long info_field(session& s, const char* section, const std::string& field) {
  auto r = s.one({"INFO", section});
  auto pos = r.str.find(field + ":");
  return pos == std::string::npos ? -1 : std::atoll(r.str.c_str() + pos + field.size() + 1);
}

// With AOF on, the preload grows the file many times over and Redis rewrites it whenever it
// doubles: a rewrite (a forked child busy on one of the cores for seconds) may start inside
// the measured window by chance. A store that took years to reach its size has a settled AOF,
// so the bench compacts it once and waits before measuring. Returns the seconds it took.
double settle_aof(session& s) {
  if (info_field(s, "persistence", "aof_enabled") != 1) return 0;
  auto t0 = clk::now();
  auto busy = [&] {
    return info_field(s, "persistence", "aof_rewrite_in_progress") == 1 ||
           info_field(s, "persistence", "aof_rewrite_scheduled") == 1;
  };
  while (busy()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s.one({"BGREWRITEAOF"});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  while (busy()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return std::chrono::duration<double>(clk::now() - t0).count();
}

long long acked(session& s, const std::string& tenant) {
  auto g = s.one({"XINFO", "GROUPS", store::keys::inbound(tenant)});
  if (!g.is_array() || g.elements.empty()) return 0;
  long long read = 0, pending = 0;
  for (std::size_t i = 0; i + 1 < g.elements[0].elements.size(); i += 2) {
    if (g.elements[0].elements[i].str == "entries-read") read = g.elements[0].elements[i + 1].integer;
    if (g.elements[0].elements[i].str == "pending") pending = g.elements[0].elements[i + 1].integer;
  }
  return read - pending;
}

// Runs `workers` workers (one thread and connection each) until `target` entries are acked.
double drain(const store::redis_options& o, session& s, const std::string& tenant, int workers,
             long long target, std::size_t batch, std::size_t buckets) {
  std::vector<std::thread> threads;
  std::atomic<bool> stop{false};
  auto t0 = clk::now();
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      asio::io_context ioc;
      auto c = store::redis_client::create(ioc, o);
      c->start();
      pipeline::resolve_stage_options opts;
      opts.tenant = tenant;
      opts.batch = batch;
      opts.block = std::chrono::milliseconds(100);
      opts.default_team = "hn-1";
      opts.resolve.identity_buckets = buckets;
      auto wk = pipeline::resolve_stage::create(c, opts);
      wk->start();
      while (!stop) ioc.run_for(std::chrono::milliseconds(50));
      wk->stop();
      c->stop();
    });
  }
  while (acked(s, tenant) < target) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  double secs = std::chrono::duration<double>(clk::now() - t0).count();
  stop = true;
  for (auto& t : threads) t.join();
  return secs;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"events/s through identity resolution, and Redis bytes per contact"};
  std::string url = "redis://127.0.0.1:6379";
  long long preload = 10000, measure = 100000;
  int workers = 2;
  std::size_t batch = 200;
  std::size_t buckets = store::default_identity_buckets;
  app.add_option("--redis", url, "Redis URL (a private server: the bench flushes nothing but fills it)");
  app.add_option("--contacts", preload, "contacts stored before measuring");
  app.add_option("--events", measure, "events measured");
  app.add_option("--workers", workers, "workers (threads, one connection each)");
  app.add_option("--batch", batch, "XREADGROUP COUNT");
  app.add_option("--identity-buckets", buckets, "identity index buckets (the layout of a tenant's data)")
      ->check(CLI::Range(1, 1 << 24));
  CLI11_PARSE(app, argc, argv);

  auto o = store::redis_options::from_url(url);
  if (!o) {
    std::fprintf(stderr, "--redis: %s\n", o.error().message.c_str());
    return 2;
  }
  o->command_timeout = std::chrono::milliseconds(30000);
  const std::string tenant = "bench" + std::to_string(clk::now().time_since_epoch().count() % 100000);
  session s(*o);
  s.one({"XGROUP", "CREATE", store::keys::inbound(tenant), "process", "0", "MKSTREAM"});

  long long m0 = used_memory(s);
  // In chunks, so the inbound stream never holds a million entries at once.
  double push_s = 0, pre_s = 0;
  for (long long base = 0; base < preload; base += 100000) {
    long long n = std::min(preload - base, 100000LL);
    auto t0 = clk::now();
    push(s, tenant, base, n, [](long long i) { return person_event(i, 0); });
    push_s += std::chrono::duration<double>(clk::now() - t0).count();
    pre_s += drain(*o, s, tenant, workers, base + n, batch, buckets);
    // The bench stands in for the delivery fan-out, which copies the sync outbox's
    // contact.created entries to the destinations and trims it; without it a million new
    // contacts would fill the outbox (processing.outbox_limit) and stop resolution.
    s.one({"XTRIM", store::keys::outbox(tenant), "MAXLEN", "0"});
  }
  s.one({"XTRIM", store::keys::inbound(tenant), "MAXLEN", "0"});
  long long m1 = used_memory(s);
  std::printf("preload: %lld contacts (3 identities each): pushed in %.1f s, resolved in %.1f s "
              "(%.0f events/s creating contacts)\n", preload, push_s, pre_s, preload / pre_s);
  std::printf("memory: %.0f bytes per contact (used_memory %lld -> %lld)\n",
              double(m1 - m0) / double(preload), m0, m1);
  if (double aof_s = settle_aof(s); aof_s > 0) std::printf("aof: rewritten before measuring (%.1f s)\n", aof_s);

  // Half returning people (attach), half new (create); pushed with no worker running.
  std::mt19937_64 rng(42);
  push(s, tenant, 0, measure, [&](long long k) {
    return k % 2 ? person_event(static_cast<long long>(rng() % preload), k + 1)
                 : person_event(preload + k, 0);
  });
  long long before = acked(s, tenant);
  double secs = drain(*o, s, tenant, workers, before + measure, batch, buckets);
  std::printf("resolve: %lld events with %lld contacts stored, %d workers: %.2f s, %.0f events/s\n",
              measure, preload, workers, secs, measure / secs);
  return 0;
}
