// libFuzzer target: the Zalo parser on arbitrary authentic-looking bodies. It must never crash,
// never throw, and every event it returns must carry an event id and the Zalo channel.
#include "adapters/zalo/zalo.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  static const lg::adapters::zalo::parse_context ctx{"fuzz", "2026-01-01T00:00:00.000Z", "oa"};
  auto out = lg::adapters::zalo::parse(body, ctx);
  for (const auto& e : out.events) {
    if (e.event_id.empty() || !e.event_id.starts_with("zalo:") || e.chan != lg::core::channel::zalo) std::abort();
  }
  // The signature check reads the same untrusted body before anything else does.
  static const lg::adapters::zalo::options opt{"app", "oa", "secret", std::chrono::seconds(300)};
  (void)lg::adapters::zalo::verify(opt, body, std::string_view("mac=00"), 0);
  return 0;
}
