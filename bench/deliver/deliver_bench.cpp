// lg_deliver_bench: deliveries/s from the outbox to a local webhook receiver over keep-alive
// HTTP, through the real engine: outbox_fanout (outbox_copy.lua) and one destination_worker
// (webhook connector: Standard Webhooks signing, pooled keep-alive connections; one
// outbox_step.lua call per delivery), with `lanes` deliveries in flight (lanes by contact).
//
// The receiver runs in this process: a small Beast server, one thread per connection, that
// answers 200 to every POST and counts the distinct webhook-ids it saw. For each lane count
// the outbox is filled first (pipelined XADDs, not timed), then the clock runs from the start
// of the engine until the receiver has every entry and the destination stream is empty.
#include "store/keys.hpp"
#include "webhooks/delivery.hpp"
#include "webhooks/outbox_fanout.hpp"
#include "webhooks/connectors/webhook/webhook_connector.hpp"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

using namespace lg;
using clk = std::chrono::steady_clock;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

const std::string secret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

// 200 to every request, keep-alive; counts requests and distinct webhook-ids.
class receiver {
 public:
  receiver() : acceptor_(ioc_, {asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { accept_loop(); });
  }
  ~receiver() {
    stop_ = true;
    boost::system::error_code ec;
    {
      // A blocking accept is not woken by close(): a connection of our own wakes it.
      asio::ip::tcp::socket wake(ioc_);
      wake.connect(acceptor_.local_endpoint(), ec);
      if (thread_.joinable()) thread_.join();
    }
    // The accept thread has ended: nothing adds to these any more.
    for (auto& s : sockets_) s->shutdown(asio::ip::tcp::socket::shutdown_both, ec);  // wakes blocked reads
    for (auto& t : conns_)
      if (t.joinable()) t.join();
  }
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  std::size_t unique() {
    std::lock_guard lock(mu_);
    return ids_.size();
  }
  std::size_t requests() const { return requests_; }
  std::size_t connections() const { return connections_; }
  void reset() {
    std::lock_guard lock(mu_);
    ids_.clear();
    requests_ = 0;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      auto s = std::make_shared<asio::ip::tcp::socket>(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(*s, ec);
      if (ec || stop_) return;
      ++connections_;
      std::lock_guard lock(mu_);
      sockets_.push_back(s);
      conns_.emplace_back([this, s] { serve(*s); });
    }
  }
  void serve(asio::ip::tcp::socket& s) {
    beast::flat_buffer buf;
    for (;;) {
      bhttp::request<bhttp::string_body> req;
      boost::system::error_code ec;
      bhttp::read(s, buf, req, ec);
      if (ec) return;
      ++requests_;
      {
        std::lock_guard lock(mu_);
        ids_.insert(std::string(req["webhook-id"]));
      }
      bhttp::response<bhttp::string_body> res{bhttp::status::ok, req.version()};
      res.keep_alive(req.keep_alive());
      res.body() = "ok";
      res.prepare_payload();
      bhttp::write(s, res, ec);
      if (ec || !req.keep_alive()) return;
    }
  }

  asio::io_context ioc_;
  asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::set<std::string> ids_;
  std::vector<std::shared_ptr<asio::ip::tcp::socket>> sockets_;
  std::vector<std::thread> conns_;
  std::atomic<std::size_t> requests_{0}, connections_{0};
};

// Runs `cmds` pipelined on `c` (at most `window` in flight) until every reply is in.
void pipeline(asio::io_context& ioc, store::redis_client& c, std::vector<std::vector<std::string>> cmds,
              std::size_t window = 2000) {
  std::size_t next = 0, done = 0;
  std::function<void()> pump = [&] {
    while (next < cmds.size() && next - done < window) {
      c.exec(std::move(cmds[next++]), [&](auto) {
        ++done;
        pump();
      });
    }
  };
  pump();
  while (done < cmds.size()) ioc.run_one();
}

long long integer(asio::io_context& ioc, store::redis_client& c, std::vector<std::string> cmd) {
  long long v = -1;
  bool done = false;
  c.exec(std::move(cmd), [&](auto r) {
    if (r && !r->is_error()) v = r->integer;
    done = true;
  });
  while (!done) ioc.run_one();
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"lg_deliver_bench — deliveries/s to a local keep-alive webhook receiver"};
  std::string redis_url;
  std::size_t entries = 50000, contacts = 5000;
  std::string lanes_list = "1,4,8,16";
  app.add_option("--redis", redis_url, "Redis URL")->required();
  app.add_option("--entries", entries, "Outbox entries per run");
  app.add_option("--contacts", contacts, "Distinct contacts the entries are spread over");
  app.add_option("--lanes", lanes_list, "Comma list of lane counts (deliveries in flight)");
  CLI11_PARSE(app, argc, argv);

  auto opts = store::redis_options::from_url(redis_url);
  if (!opts) {
    std::fprintf(stderr, "bad --redis: %s\n", opts.error().message.c_str());
    return 2;
  }
  receiver rx;
  const std::string url = "http://127.0.0.1:" + std::to_string(rx.port()) + "/hooks/leadgate";

  std::stringstream ls(lanes_list);
  for (std::string item; std::getline(ls, item, ',');) {
    const std::size_t lanes = std::stoul(item);
    const std::string tenant = "bench-deliver-" + std::to_string(lanes);
    const std::string dest = "bench";
    rx.reset();

    asio::io_context ioc;
    auto setup = store::redis_client::create(ioc, *opts);
    setup->start();
    for (int i = 0; i < 500 && !setup->connected(); ++i) ioc.run_one_for(std::chrono::milliseconds(10));
    std::vector<std::vector<std::string>> cmds;
    for (std::size_t i = 0; i < entries; ++i) {
      char ev[24];
      std::snprintf(ev, sizeof ev, "e%09zu", i);
      cmds.push_back({"XADD", store::keys::outbox(tenant), "*", "kind", "assign", "event", ev, "lead_id",
                      std::string("ld_") + ev, "contact_id", "c_" + std::to_string(i % contacts),
                      "assigned_user_id", "crm-user-7", "team_id", "hn-1", "member_id", "m1"});
    }
    pipeline(ioc, *setup, std::move(cmds));

    // The engine, as webhooks/delivery_pool.cpp builds it: the fan-out on its own connection.
    auto fan_redis = store::redis_client::create(ioc, *opts);
    auto work_redis = store::redis_client::create(ioc, *opts);
    webhooks::fanout_options fo;
    fo.tenant = tenant;
    fo.routes.push_back(webhooks::fanout_route{dest, {}, 10'000'000, 100'000});
    auto fanout = webhooks::outbox_fanout::create(fan_redis, fo);
    webhooks::webhook_connector_options wo;
    wo.url = url;
    wo.secrets = {secret};
    wo.timeout = std::chrono::seconds(5);
    auto conn = webhooks::webhook_connector::create(ioc.get_executor(), wo);
    if (!conn) {
      std::fprintf(stderr, "connector: %s\n", conn.error().message.c_str());
      return 1;
    }
    webhooks::destination_options o;
    o.tenant = tenant;
    o.id = dest;
    o.concurrency = lanes;
    o.idle_poll = std::chrono::milliseconds(5);
    auto worker = webhooks::destination_worker::create(work_redis, std::move(*conn), o);

    const auto t0 = clk::now();
    fan_redis->start();
    work_redis->start();
    fanout->start();
    worker->start();
    const auto k_stream = store::keys::destination_stream(tenant, dest);
    const auto deadline = t0 + std::chrono::minutes(5);
    std::size_t got = 0;
    for (;;) {
      ioc.run_for(std::chrono::milliseconds(20));
      got = rx.unique();
      if (got >= entries && integer(ioc, *setup, {"XLEN", k_stream}) == 0) break;
      if (clk::now() > deadline) break;
    }
    const double secs = std::chrono::duration<double>(clk::now() - t0).count();
    fanout->stop();
    worker->stop();
    while (fanout->running() || worker->running()) ioc.run_for(std::chrono::milliseconds(10));
    const auto& st = worker->stats();
    std::printf(
        "lanes %2zu: %zu entries over %zu contacts in %.2f s = %.0f deliveries/s (receiver: %zu unique, %zu requests, "
        "%zu connections so far; failures %llu, redis errors %llu)\n",
        lanes, got, contacts, secs, static_cast<double>(got) / secs, got, rx.requests(), rx.connections(),
        static_cast<unsigned long long>(st.failures.load()), static_cast<unsigned long long>(st.redis_errors.load()));
    std::fflush(stdout);
    std::vector<std::vector<std::string>> cleanup{
        {"DEL", store::keys::outbox(tenant), k_stream, store::keys::delivery_state(tenant, dest)}};
    pipeline(ioc, *setup, std::move(cleanup));
    fan_redis->stop();
    work_redis->stop();
    setup->stop();
    ioc.run_for(std::chrono::milliseconds(50));
    if (got < entries) return 1;
  }
  return 0;
}
