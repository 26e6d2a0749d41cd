// libFuzzer target: partner API item validation. Never a crash or an exception; every item has
// exactly one outcome; accepted items are keyed and have a phone or an email.
#include "adapters/partner_api/partner_api.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  static const lg::adapters::partner_api::parse_context ctx{"fuzz", "2026-01-01T00:00:00.000Z", "", ""};
  auto r = lg::adapters::partner_api::parse(body, ctx);
  if (!r) return 0;
  if (r->items.size() > lg::adapters::partner_api::max_batch) std::abort();
  for (const auto& item : r->items) {
    if (item.event.has_value() == item.error.has_value()) std::abort();
    if (item.event && (item.event->event_id.empty() ||
                       (item.event->contact.phones.empty() && item.event->contact.emails.empty()))) {
      std::abort();
    }
  }
  return 0;
}
