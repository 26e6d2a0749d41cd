// The commands a redis_client waits on (see redis_client.cpp): one record per command handed to
// hiredis, recycled through a bounded free list, and the records whose caller still waits in an
// intrusive FIFO. Every command shares one timeout and is issued in order, so the FIFO is also
// deadline order: the oldest is the next to time out. Single-threaded, like the client.
#pragma once

#include "core/error.hpp"
#include "store/redis_reply.hpp"

#include <chrono>
#include <cstddef>
#include <expected>
#include <functional>
#include <vector>

namespace lg::store::detail {

using redis_result = std::expected<redis_reply, core::error>;
using redis_completion = std::move_only_function<void(redis_result)>;

struct pending_command {
  void* owner = nullptr;  // the client implementation the reply callback goes back to
  pending_command* prev = nullptr;
  pending_command* next = nullptr;
  std::chrono::steady_clock::time_point deadline;
  redis_completion done;
  bool waiting = false;  // the caller still waits: not yet answered, failed or timed out
};

class pending_commands {
 public:
  static constexpr std::size_t max_recycled = 4096;

  pending_commands() = default;
  pending_commands(const pending_commands&) = delete;
  pending_commands& operator=(const pending_commands&) = delete;
  ~pending_commands() {
    for (pending_command* r : free_) delete r;
  }

  pending_command* acquire(void* owner) {
    pending_command* r;
    if (free_.empty()) {
      r = new pending_command;
    } else {
      r = free_.back();
      free_.pop_back();
    }
    r->owner = owner;
    return r;
  }

  // The record is done with (its reply arrived or hiredis dropped it).
  void recycle(pending_command* r) {
    r->done = nullptr;
    r->waiting = false;
    if (free_.size() < max_recycled) {
      free_.push_back(r);
    } else {
      delete r;
    }
  }

  void push_back(pending_command* r) {
    r->prev = tail_;
    r->next = nullptr;
    if (tail_) tail_->next = r; else head_ = r;
    tail_ = r;
  }

  void unlink(pending_command* r) {
    if (r->prev) r->prev->next = r->next; else head_ = r->next;
    if (r->next) r->next->prev = r->prev; else tail_ = r->prev;
    r->prev = r->next = nullptr;
  }

  pending_command* front() const noexcept { return head_; }

 private:
  pending_command* head_ = nullptr;  // waiting commands, oldest first
  pending_command* tail_ = nullptr;
  std::vector<pending_command*> free_;
};

}  // namespace lg::store::detail
