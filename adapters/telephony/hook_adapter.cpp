// See hook_adapter.hpp.
#include "adapters/telephony/hook_adapter.hpp"

namespace lg::adapters::hook {

adapter_output output(reading r) {
  adapter_output out;
  if (!r) out.quarantine_reason = std::move(r.error());
  else if (*r) out.events.push_back(std::move(**r));
  else out.ignored = 1;
  return out;
}

}  // namespace lg::adapters::hook
