#include "http/pool.hpp"

#include <algorithm>

namespace lg::net::detail {

std::unique_ptr<http_connection> http_pool::take(const std::string& origin) {
  const auto it = idle_.find(origin);
  if (it == idle_.end()) return nullptr;
  auto& stack = it->second;
  const auto now = clock::now();
  while (!stack.empty()) {
    auto c = std::move(stack.back());
    stack.pop_back();
    // Dropping the unique_ptr closes the socket; no TLS close_notify is sent (the peer
    // learns from the FIN, as with any idle-timeout close).
    if (now - c->idle_since < idle_timeout_ && c->looks_alive()) return c;
  }
  return nullptr;
}

void http_pool::give_back(const std::string& origin, std::unique_ptr<http_connection> c) {
  const auto now = clock::now();
  if (now - last_sweep_ > idle_timeout_ / 2) sweep(now);
  if (max_idle_ == 0) return;
  auto& stack = idle_[origin];
  if (stack.size() >= max_idle_) return;  // the pool is full: this one closes
  c->idle_since = now;
  stack.push_back(std::move(c));
}

std::size_t http_pool::idle() const {
  std::size_t n = 0;
  for (const auto& [origin, stack] : idle_) n += stack.size();
  return n;
}

void http_pool::sweep(clock::time_point now) {
  last_sweep_ = now;
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& stack = it->second;
    // The oldest are at the front of each stack.
    const auto fresh = std::find_if(stack.begin(), stack.end(), [&](const auto& c) {
      return now - c->idle_since < idle_timeout_;
    });
    stack.erase(stack.begin(), fresh);
    it = stack.empty() ? idle_.erase(it) : std::next(it);
  }
}

}  // namespace lg::net::detail
