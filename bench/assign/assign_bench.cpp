// lg_assign_bench: the time from a form post to the lead being assigned, at a fixed rate.
//
// Posts forms open-loop (bench/common/open_loop.hpp: request i is due at start + i/rate, over
// keep-alive connections), keeps each answer's lead_id and the wall-clock time the post was due, then
// reads the team queue streams lg:{t}:q:<team>: the id of a lead's "assign" entry is the Redis
// server's clock in milliseconds when assign.lua gave it to a member. Latency = that time minus
// the post's due time, so a gateway that falls behind is charged for the wait (no coordinated
// omission). Both clocks are this machine's; the stream id's resolution is 1 ms.
#include "bench/common/open_loop.hpp"
#include "core/asio.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

namespace http = boost::beast::http;
using steady = lg::bench::clock_type;

namespace {

struct options {
  lg::bench::open_loop load;
  std::string redis_url = "redis://127.0.0.1:6379";
  std::string tenant = "default";
  std::vector<std::string> teams{"hn", "hcm"};
  double settle = 30;  // seconds to wait for the last assignments after the posts
};

struct post_record {
  std::string lead_id;
  double due_ms = 0;  // wall clock, ms since the epoch
  bool measured = false;
};

struct results : lg::bench::send_counts {
  std::vector<post_record> posts;
  std::vector<double> http_ms;  // post latency from its due time (measured posts)
};

double now_epoch_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Half of the leads come from Hồ Chí Minh (rule hcm-city), the others go to the default team.
std::string body_of(unsigned long long n) {
  char phone[16];
  std::snprintf(phone, sizeof phone, "%08llu", n % 100000000ULL);
  std::string b = "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=09";
  b += phone;
  b += n % 2 ? "&city=Ho+Chi+Minh" : "&city=Ha+Noi";
  b += "&program=ielts";
  return b;
}

std::string lead_id_of(const std::string& body) {
  static const std::string key = "\"lead_id\":\"";
  auto at = body.find(key);
  if (at == std::string::npos) return {};
  at += key.size();
  auto end = body.find('"', at);
  return end == std::string::npos ? std::string{} : body.substr(at, end - at);
}

// Reads the team queue streams until every lead in `want` has its assign entry or time runs out.
lg::awaitable<void> collect(const options& opt, lg::store::redis_client& redis, std::size_t want,
                            std::unordered_map<std::string, double>& assigned_ms) {
  auto ex = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(ex);
  for (int i = 0; i < 500 && !redis.connected(); ++i) {
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  std::vector<std::string> last(opt.teams.size(), "-");
  const auto deadline = steady::now() + std::chrono::duration_cast<steady::duration>(std::chrono::duration<double>(opt.settle));
  while (assigned_ms.size() < want && steady::now() < deadline) {
    bool got = false;
    for (std::size_t t = 0; t < opt.teams.size(); ++t) {
      const std::string from = last[t] == "-" ? "-" : "(" + last[t];
      std::vector<std::string> cmd{"XRANGE", lg::store::keys::team_queue(opt.tenant, opt.teams[t]), from, "+",
                                   "COUNT", "5000"};
      auto r = co_await redis.async_exec(std::move(cmd));
      if (!r || !r->is_array()) continue;
      for (const auto& e : r->elements) {
        if (e.elements.size() != 2) continue;
        const std::string& id = e.elements[0].str;
        last[t] = id;
        got = true;
        std::string kind, lead;
        const auto& f = e.elements[1].elements;
        for (std::size_t k = 0; k + 1 < f.size(); k += 2) {
          if (f[k].str == "kind") kind = f[k + 1].str;
          if (f[k].str == "lead") lead = f[k + 1].str;
        }
        if (kind == "assign") assigned_ms.emplace(lead, std::stod(id.substr(0, id.find('-'))));
      }
    }
    if (!got) {
      timer.expires_after(std::chrono::milliseconds(100));
      co_await timer.async_wait(boost::asio::use_awaitable);
    }
  }
  redis.stop();
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  CLI::App app{"lg_assign_bench: form post to assigned (p50/p99) at a fixed rate, from the team queue streams"};
  opt.load.duration = 15;
  opt.load.add_options(app, "posts");
  app.add_option("--redis-url", opt.redis_url, "the gateway's Redis (redis:// or unix://)");
  app.add_option("--tenant", opt.tenant);
  app.add_option("--team", opt.teams, "team whose queue stream to read (repeatable)");
  app.add_option("--settle", opt.settle, "seconds to wait for the last assignments");
  CLI11_PARSE(app, argc, argv);

  auto redis_opts = lg::store::redis_options::from_url(opt.redis_url);
  if (!redis_opts) {
    std::fprintf(stderr, "bad --redis-url: %s\n", redis_opts.error().message.c_str());
    return 2;
  }

  boost::asio::io_context ioc(1);
  auto& plan = opt.load;
  plan.begin();
  const double start_epoch_ms = now_epoch_ms() + 100;  // plan.start on the wall clock
  results res;
  res.posts.reserve(plan.expected_requests());
  auto make = [&](unsigned long long n) {
    http::request<http::string_body> req;
    req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = body_of(n);
    return req;
  };
  // A 2xx answer's lead_id and the wall-clock time its post was due.
  auto answer = [&](steady::time_point due, const http::response<http::string_body>& resp) {
    if (resp.result_int() / 100 != 2) return;
    const double due_rel_ms = std::chrono::duration<double, std::milli>(due - plan.start).count();
    post_record p{lead_id_of(resp.body()), start_epoch_ms + due_rel_ms, due >= plan.warm_end};
    if (p.measured) res.http_ms.push_back(std::chrono::duration<double, std::milli>(steady::now() - due).count());
    if (!p.lead_id.empty()) res.posts.push_back(std::move(p));
  };
  lg::bench::run_open_loop(ioc, plan, make, answer, res);
  const double elapsed = std::chrono::duration<double>(steady::now() - plan.start).count();

  std::size_t measured = 0;
  for (const auto& p : res.posts) measured += p.measured ? 1 : 0;
  std::unordered_map<std::string, double> assigned_ms;
  ioc.restart();
  auto redis = lg::store::redis_client::create(ioc, *redis_opts);
  redis->start();
  boost::asio::co_spawn(ioc, collect(opt, *redis, res.posts.size(), assigned_ms), boost::asio::detached);
  ioc.run();

  std::vector<double> lat;
  lat.reserve(measured);
  std::size_t missing = 0;
  for (const auto& p : res.posts) {
    if (!p.measured) continue;
    auto it = assigned_ms.find(p.lead_id);
    if (it == assigned_ms.end()) {
      ++missing;
      continue;
    }
    lat.push_back(std::max(0.0, it->second - p.due_ms));
  }
  using lg::bench::percentile;
  const double mx = lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end());
  const double p50 = percentile(lat, 50), p90 = percentile(lat, 90), p99 = percentile(lat, 99),
               p999 = percentile(lat, 99.9);
  const double h50 = percentile(res.http_ms, 50), h99 = percentile(res.http_ms, 99);
  std::printf("RESULT target_rps=%.0f achieved_rps=%.0f sent=%llu ok=%llu non2xx=%llu failed=%llu measured=%zu "
              "assigned=%zu missing=%zu assign_p50_ms=%.1f assign_p90_ms=%.1f assign_p99_ms=%.1f "
              "assign_p999_ms=%.1f assign_max_ms=%.1f post_p50_ms=%.2f post_p99_ms=%.2f\n",
              plan.rate, static_cast<double>(res.sent) / elapsed, static_cast<unsigned long long>(res.sent),
              static_cast<unsigned long long>(res.ok), static_cast<unsigned long long>(res.non2xx),
              static_cast<unsigned long long>(res.failed), measured, lat.size(), missing, p50, p90, p99, p999, mx,
              h50, h99);
  return res.failed + res.non2xx + missing == 0 ? 0 : 1;
}
