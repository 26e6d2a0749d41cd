// libFuzzer target: the Meta body walker and the handshake query reader. Never a crash or an
// exception; events carry ids of the right family; the item bound holds.
#include "adapters/facebook/facebook.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  static const lg::adapters::facebook::parse_context ctx{"fuzz", "2026-01-01T00:00:00.000Z", {}};
  auto out = lg::adapters::facebook::parse(body, ctx);
  if (out.events.size() > lg::adapters::facebook::max_items) std::abort();
  for (const auto& e : out.events) {
    if (!e.event_id.starts_with("facebook:")) std::abort();
  }
  static const lg::adapters::facebook::options opt{"secret", "token", {}};
  (void)lg::adapters::facebook::handshake(opt, body);
  return 0;
}
