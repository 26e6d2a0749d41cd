// See breaker.hpp.
#include "webhooks/breaker.hpp"

namespace lg::webhooks {

std::string_view to_string(breaker_state s) noexcept {
  switch (s) {
    case breaker_state::closed: return "closed";
    case breaker_state::open: return "open";
    case breaker_state::half_open: return "half_open";
  }
  return "closed";
}

bool circuit_breaker::allow(clock::time_point now) {
  switch (state_) {
    case breaker_state::closed: return true;
    case breaker_state::open:
      if (now < reopen_at()) return false;
      state_ = breaker_state::half_open;
      probe_out_ = true;
      return true;
    case breaker_state::half_open:
      if (probe_out_) return false;
      probe_out_ = true;
      return true;
  }
  return false;
}

void circuit_breaker::on_success() {
  state_ = breaker_state::closed;
  failures_ = 0;
  probe_out_ = false;
}

void circuit_breaker::on_failure(clock::time_point now) {
  ++failures_;
  probe_out_ = false;
  if (state_ == breaker_state::half_open || (state_ == breaker_state::closed && failures_ >= options_.failures)) {
    state_ = breaker_state::open;
    opened_at_ = now;
    ++opened_;
  }
}

}  // namespace lg::webhooks
