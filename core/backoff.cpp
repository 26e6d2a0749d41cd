// Pure backoff math, kept apart from the client so it is tested without sockets.
#include "core/backoff.hpp"

#include <algorithm>

namespace lg::core {

std::chrono::milliseconds backoff_delay(std::chrono::milliseconds min_delay,
                                        std::chrono::milliseconds max_delay, unsigned attempt,
                                        double unit) noexcept {
  using rep = std::chrono::milliseconds::rep;
  rep lo = std::max<rep>(min_delay.count(), 1);
  rep hi = std::max<rep>(max_delay.count(), lo);
  // Doubling stops at the cap, so large attempt numbers cannot overflow.
  rep base = lo;
  for (unsigned i = 0; i < attempt && base < hi; ++i) base = std::min<rep>(base * 2, hi);
  unit = std::clamp(unit, 0.0, 1.0);
  rep half = base / 2;
  rep jittered = half + static_cast<rep>(static_cast<double>(base - half) * unit);
  return std::chrono::milliseconds(std::clamp<rep>(jittered, 1, hi));
}

}  // namespace lg::core
