// The http_client's idle keep-alive connections, per origin (scheme://host:port): bounded per
// origin, closed after an idle timeout, checked for a closed peer before reuse. Not locked:
// the client is used from one thread (see http_client.hpp).
#pragma once

#include "http/connection.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lg::net::detail {

class http_pool {
 public:
  http_pool(std::size_t max_idle_per_origin, std::chrono::milliseconds idle_timeout)
      : max_idle_(max_idle_per_origin), idle_timeout_(idle_timeout) {}

  // The most recently used live connection to `origin`, or null. Expired or dead idle
  // connections met on the way are closed.
  std::unique_ptr<http_connection> take(const std::string& origin);
  // Keeps `c` for reuse unless the origin already has the maximum idle.
  void give_back(const std::string& origin, std::unique_ptr<http_connection> c);

  std::size_t idle() const;
  void clear() { idle_.clear(); }

 private:
  void sweep(clock::time_point now);  // close expired connections of every origin

  std::size_t max_idle_;
  std::chrono::milliseconds idle_timeout_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<http_connection>>> idle_;
  clock::time_point last_sweep_ = clock::now();
};

}  // namespace lg::net::detail
