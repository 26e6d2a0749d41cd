// The one backoff of leadgate's retries (a Redis reconnect, an IMAP session, a provider fetch,
// a failed poll): exponential growth from a minimum to a cap, with jitter so that many gateways
// that lost the same server do not all come back in the same millisecond.
#pragma once

#include <chrono>

namespace lg::core {

// The delay before retry number `attempt` (0 for the first retry): the base is
// min_delay * 2^attempt capped at max_delay, and the result lies in [base/2, base], placed by
// `unit` (a uniform random number in [0, 1)).
std::chrono::milliseconds backoff_delay(std::chrono::milliseconds min_delay,
                                        std::chrono::milliseconds max_delay, unsigned attempt,
                                        double unit) noexcept;

}  // namespace lg::core
