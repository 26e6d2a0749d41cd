// Fuzz target for the SMS webhook adapters and the mention scanner. The first byte picks the
// preset (Twilio form, generic JSON, or the scanner alone); bodies are signed here so parsing
// is reached. Events must serialize and never take a mentioned phone as identity.
#include "hook_fuzz.hpp"

#include "adapters/sms/mentions.hpp"
#include "adapters/sms/sms.hpp"

using namespace lg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto twilio =
      adapters::sms::make_sms_adapter(fuzz::source("sms", "twilio", fuzz::twilio_options()), "fuzz");
  static const auto generic = adapters::sms::make_sms_adapter(
      fuzz::source("sms", "generic",
                   fuzz::generic_options({{"message_id", "id"}, {"from", "from"}, {"to", "to"}, {"body", "m.text"}})),
      "fuzz");
  if (size == 0) return 0;
  auto req = fuzz::request("/v1/hooks/sms/fuzz", data, size);
  const auto one_sender = [](const core::lead_event& e) {
    return e.event_id.starts_with("sms:msg:") && e.contact.phones.size() <= 1 && e.contact.emails.empty();
  };
  switch (data[0] % 3) {
    case 0:
      fuzz::sign_twilio(req, "t", fuzz::twilio_url(req.path));
      fuzz::check_events(twilio->handle(req), one_sender);
      break;
    case 1:
      req.content_type = "application/json";
      fuzz::sign_generic(req);
      fuzz::check_events(generic->handle(req), one_sender);
      break;
    default: {
      const auto m = adapters::sms::find_mentions(req.body);
      if (m.phones.size() > adapters::sms::max_mentions || m.emails.size() > adapters::sms::max_mentions) std::abort();
      break;
    }
  }
  return 0;
}
