// Shared helpers of the identity and worker integration tests: a blocking Redis handle for the
// test thread, a worker running on its own thread (or process), events pushed the way
// accept.lua writes them, and adapter-like normalization of raw dataset contacts.
#pragma once

#include "core/lead_event.hpp"
#include "core/normalize.hpp"
#include "gateway/process_worker.hpp"
#include "store/contacts.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace lg::test {

inline store::redis_options test_redis_options() {
  const char* url = std::getenv("LG_TEST_REDIS_URL");
  if (url == nullptr) throw std::runtime_error("LG_TEST_REDIS_URL is not set");
  auto o = store::redis_options::from_url(url);
  if (!o) throw std::runtime_error("LG_TEST_REDIS_URL: " + o.error().message);
  o->command_timeout = std::chrono::milliseconds(10000);
  return *o;
}

// A unique tenant per test run, so tests never see each other's keys.
inline std::string unique_tenant(const std::string& name) {
  static std::atomic<int> n{0};
  return "t-" + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
}

// A redis_client on a private io_context thread; exec() blocks the test thread (bounded).
class blocking_redis {
 public:
  blocking_redis() : work_(asio::make_work_guard(ioc_)) {
    client_ = store::redis_client::create(ioc_, test_redis_options());
    client_->start();
    thread_ = std::thread([this] { ioc_.run(); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!client_->connected() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~blocking_redis() {
    asio::post(ioc_, [c = client_] { c->stop(); });
    work_.reset();
    ioc_.stop();
    thread_.join();
  }
  store::redis_reply exec(std::vector<std::string> args) {
    std::promise<std::expected<store::redis_reply, core::error>> p;
    auto f = p.get_future();
    asio::post(ioc_, [&] { client_->exec(std::move(args), [&](auto r) { p.set_value(std::move(r)); }); });
    if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
      throw std::runtime_error("redis command timed out");
    auto r = f.get();
    if (!r) throw std::runtime_error("redis: " + r.error().message);
    return std::move(*r);
  }
  // Many commands pipelined, waiting for all.
  void exec_all(std::vector<std::vector<std::string>> cmds) {
    std::promise<void> p;
    auto f = p.get_future();
    std::size_t left = cmds.size();
    if (left == 0) return;
    asio::post(ioc_, [&] {
      for (auto& c : cmds)
        client_->exec(std::move(c), [&](auto) { if (--left == 0) p.set_value(); });
    });
    if (f.wait_for(std::chrono::seconds(120)) != std::future_status::ready)
      throw std::runtime_error("redis pipeline timed out");
  }
  // The contact id follows aliases to the survivor.
  std::string canonical(const std::string& tenant, std::string id) {
    for (int i = 0; i < 16; ++i) {
      auto r = exec({"GET", store::keys::prefix(tenant) + "alias:" + id});
      if (r.is_nil()) break;
      id = r.str;
    }
    return id;
  }
  // The contact an identity key ("phone:+84…") resolves to, aliases followed; "" when none.
  std::string find_contact(const std::string& tenant, const std::string& identity_key) {
    auto n = exec({"HGET", store::identity_index_key(tenant, identity_key), identity_key});
    if (n.is_nil()) return {};
    return canonical(tenant, "c_" + n.str);
  }
  // A contact's whole timeline, newest first: the list, then the first touch if it is still
  // kept in the contact hash.
  std::vector<nlohmann::json> timeline(const std::string& tenant, const std::string& id) {
    const std::string pfx = store::keys::prefix(tenant);
    std::vector<nlohmann::json> out;
    for (const auto& e : exec({"LRANGE", pfx + "tl:" + id, "0", "-1"}).elements)
      out.push_back(nlohmann::json::parse(e.str));
    auto h = exec({"HGETALL", pfx + "c:" + id});
    std::vector<std::pair<std::string, std::string>> fields;
    for (std::size_t i = 0; i + 1 < h.elements.size(); i += 2)
      fields.emplace_back(h.elements[i].str, h.elements[i + 1].str);
    if (auto first = store::inline_touch(fields)) out.push_back(std::move(*first));
    return out;
  }
  std::size_t count_keys(const std::string& pattern) {
    std::size_t n = 0;
    std::string cursor = "0";
    do {
      auto r = exec({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
      cursor = r.elements.at(0).str;
      n += r.elements.at(1).elements.size();
    } while (cursor != "0");
    return n;
  }

 private:
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::shared_ptr<store::redis_client> client_;
  std::thread thread_;
};

// What an adapter does to typed contact fields before accept.
inline void normalize_contact(core::lead_event& e) {
  auto& c = e.contact;
  std::vector<std::string> phones;
  for (const auto& p : c.phones) {
    if (auto n = core::normalize_phone(p)) phones.push_back(*n); else c.invalid_phones.push_back(p);
  }
  c.phones = std::move(phones);
  std::vector<std::string> emails;
  for (const auto& m : c.emails) {
    if (auto n = core::normalize_email(m)) emails.push_back(*n); else c.invalid_emails.push_back(m);
  }
  c.emails = std::move(emails);
  if (!c.full_name.empty()) {
    c.full_name = core::normalize_name(c.full_name);
    auto parts = core::split_vietnamese_name(c.full_name);
    c.family_name = parts.family;
    c.given_name = parts.given;
  }
}

inline std::vector<std::string> xadd_command(const std::string& tenant, const core::lead_event& e) {
  nlohmann::json j = e;
  return {"XADD", store::keys::inbound(tenant), "*", "lead", j.dump(), "lead_id", e.lead_id};
}

// A worker on its own io_context thread with its own connection.
class worker_thread {
 public:
  // `prepare` may add stages that need the worker's io_context or connection (an enricher).
  using prepare_fn = std::function<void(asio::io_context&, store::redis_client&, gateway::process_worker_options&)>;
  explicit worker_thread(gateway::process_worker_options opts, gateway::processed_handler h = {},
                         prepare_fn prepare = {}) {
    client_ = store::redis_client::create(ioc_, test_redis_options());
    client_->start();
    if (prepare) prepare(ioc_, *client_, opts);
    worker_ = gateway::process_worker::create(client_, std::move(opts), std::move(h));
    worker_->start();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~worker_thread() {
    asio::post(ioc_, [w = worker_] { w->stop(); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (worker_->running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    asio::post(ioc_, [c = client_] { c->stop(); });
    ioc_.stop();
    thread_.join();
  }
  const gateway::process_worker_stats& stats() const { return worker_->stats(); }

 private:
  asio::io_context ioc_;
  std::shared_ptr<store::redis_client> client_;
  std::shared_ptr<gateway::process_worker> worker_;
  std::thread thread_;
};

// Worker options tuned for tests: short waits so nothing sleeps long.
inline gateway::process_worker_options test_worker_options(const std::string& tenant) {
  gateway::process_worker_options o;
  o.tenant = tenant;
  o.block = std::chrono::milliseconds(100);
  o.claim_idle = std::chrono::milliseconds(1000);
  o.claim_interval = std::chrono::milliseconds(200);
  o.trim_interval = std::chrono::milliseconds(200);
  o.default_team = "hn-1";
  return o;
}

// True when every entry of lg:{t}:in was delivered to group "process" and acknowledged.
inline bool drained(blocking_redis& r, const std::string& tenant) {
  auto groups = r.exec({"XINFO", "GROUPS", store::keys::inbound(tenant)});
  if (!groups.is_array() || groups.elements.empty()) return false;
  const auto& g = groups.elements[0];
  long long pending = -1, lag = -1;
  for (std::size_t i = 0; i + 1 < g.elements.size(); i += 2) {
    if (g.elements[i].str == "pending") pending = g.elements[i + 1].integer;
    if (g.elements[i].str == "lag") lag = g.elements[i + 1].is_nil() ? -1 : g.elements[i + 1].integer;
  }
  return pending == 0 && lag == 0;
}

inline bool wait_until(const std::function<bool()>& cond, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

}  // namespace lg::test
