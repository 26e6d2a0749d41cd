// How a channel API call failed, as the callers need to act on it: retry later (the event
// stays pending), renew the token once and retry, or give up (the event goes to quarantine).
#pragma once

#include <string>

namespace lg::provider_apis {

enum class failure {
  transient,  // network, timeout, 5xx, rate limit: try again later
  auth,       // the access token is invalid or expired: renew it, then retry once
  permanent,  // the request can never succeed (unknown object, bad parameter)
};

struct api_error {
  failure kind = failure::transient;
  long long code = 0;   // the provider's error code (Zalo `error`, Graph `error.code`), or HTTP status
  std::string message;  // never holds a token
};

inline const char* to_string(failure f) noexcept {
  switch (f) {
    case failure::transient: return "transient";
    case failure::auth: return "auth";
    case failure::permanent: return "permanent";
  }
  return "transient";
}

}  // namespace lg::provider_apis
