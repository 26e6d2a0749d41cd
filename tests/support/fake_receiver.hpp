// A webhook receiver for delivery tests, on tests/support/https_server.hpp (plain HTTP or
// HTTPS, 127.0.0.1 port 0, its own thread). It answers by mode — up (200), down (503, with an
// optional Retry-After), drop (closes without answering), reject (400 with a body) — verifies
// every request's Standard Webhooks signature with its own copy of the secret, dedupes on
// webhook-id the way a careful receiver would, and records, per contact, the order in which
// first deliveries arrived. Everything it records is behind a mutex: tests read it from their
// own thread. The request handling lives in fake_receiver.cpp (built once, in lg_test_support).
#pragma once

#include "support/https_server.hpp"
#include "webhooks/standard_webhooks.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace lg::test {

class fake_receiver {
 public:
  enum class mode { up, down, drop, reject };

  // `secret`: the whsec_ secret it verifies with (one of the destination's secrets).
  explicit fake_receiver(const std::string& secret, bool tls = false);

  std::string url() const { return server_.url("/hooks/leadgate"); }
  void set_mode(mode m, std::string retry_after = {}) {
    std::lock_guard lock(mu_);
    mode_ = m;
    retry_after_ = std::move(retry_after);
  }

  struct delivery {
    std::string id;         // webhook-id
    nlohmann::json payload; // {type, timestamp, data}
  };

  std::size_t requests() const { std::lock_guard lock(mu_); return requests_; }
  std::size_t unique() const { std::lock_guard lock(mu_); return seen_.size(); }
  std::size_t duplicates() const { std::lock_guard lock(mu_); return duplicates_; }
  std::size_t bad_signatures() const { std::lock_guard lock(mu_); return bad_signatures_; }
  std::vector<delivery> deliveries() const { std::lock_guard lock(mu_); return deliveries_; }
  // contact id -> data.event of each first delivery, in arrival order.
  std::map<std::string, std::vector<std::string>> per_contact() const {
    std::lock_guard lock(mu_);
    return per_contact_;
  }

  // Polls (bounded) until `n` distinct deliveries arrived.
  bool wait_unique(std::size_t n, std::chrono::milliseconds limit) const;

 private:
  scripted_reply handle(const served_request& r);

  mutable std::mutex mu_;
  webhooks::signing_key key_;
  mode mode_ = mode::up;
  std::string retry_after_;
  std::size_t requests_ = 0, duplicates_ = 0, bad_signatures_ = 0;
  std::set<std::string> seen_;
  std::vector<delivery> deliveries_;
  std::map<std::string, std::vector<std::string>> per_contact_;
  https_server server_;  // last: stopped first, before the state its handler uses
};

}  // namespace lg::test
