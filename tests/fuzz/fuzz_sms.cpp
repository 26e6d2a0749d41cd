// Fuzz target for the SMS webhook adapters and the mention scanner. The first byte picks the
// preset (Twilio form, generic JSON, or the scanner alone); bodies are signed here so parsing
// is reached. Events must serialize and never take a mentioned phone as identity.
#include "hook_fuzz.hpp"

#include "adapters/sms/mentions.hpp"
#include "adapters/sms/sms.hpp"

using namespace lg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto twilio = adapters::sms::make_sms_adapter(
      fuzz::source("sms", "twilio", {{"auth_token", "t"}, {"public_base_url", "https://fuzz.example"}}), "fuzz");
  static const auto generic = adapters::sms::make_sms_adapter(
      fuzz::source("sms", "generic",
                   {{"signature_header", "x-sig"},
                    {"secret", "g"},
                    {"field_map", {{"message_id", "id"}, {"from", "from"}, {"to", "to"}, {"body", "m.text"}}}}),
      "fuzz");
  if (size == 0) return 0;
  auto req = fuzz::request("/v1/hooks/sms/fuzz", data, size);
  const auto one_sender = [](const core::lead_event& e) {
    return e.event_id.starts_with("sms:msg:") && e.contact.phones.size() <= 1 && e.contact.emails.empty();
  };
  switch (data[0] % 3) {
    case 0:
      fuzz::sign_twilio(req, "t", "https://fuzz.example/v1/hooks/sms/fuzz");
      fuzz::check_events(twilio->handle(req), one_sender);
      break;
    case 1:
      req.content_type = "application/json";
      req.headers.emplace_back("x-sig", adapters::sig::to_hex(adapters::sig::hmac_sha256("g", req.body)));
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
