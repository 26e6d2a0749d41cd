// Fuzz target for the hotline webhook adapters. The first input byte picks the preset
// (Stringee JSON, Twilio voice form, generic JSON/form); the rest is the body, signed here
// with the configured secret so the parsers behind the signature check are reached. Every
// produced event must serialize to JSON (valid UTF-8, no throw) and carry the hotline key.
#include "hook_fuzz.hpp"

#include "adapters/telephony/telephony.hpp"

using namespace lg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto stringee = adapters::telephony::make_telephony_adapter(
      fuzz::source("hotline", "stringee", {{"signing_secret", "s"}}), "fuzz");
  static const auto twilio =
      adapters::telephony::make_telephony_adapter(fuzz::source("hotline", "twilio", fuzz::twilio_options()), "fuzz");
  static const auto generic = adapters::telephony::make_telephony_adapter(
      fuzz::source("hotline", "generic",
                   fuzz::generic_options({{"call_id", "id"}, {"from", "a.from"}, {"to", "to"}, {"status", "status"},
                                          {"answered_time", "answered"}, {"duration", "d"}})),
      "fuzz");
  if (size == 0) return 0;
  auto req = fuzz::request("/v1/hooks/telephony/fuzz", data, size);
  req.received_at = "2026-11-22T03:00:00.000Z";
  const auto hotline_key = [](const core::lead_event& e) { return e.event_id.starts_with("hotline:call:"); };
  switch (data[0] % 4) {
    case 0:
      req.content_type = "application/json";
      req.headers.emplace_back("x-stringee-signature", core::base64_encode(core::hmac_sha1("s", req.body)));
      fuzz::check_events(stringee->handle(req), hotline_key);
      break;
    case 1:
      fuzz::sign_twilio(req, "t", fuzz::twilio_url(req.path));
      fuzz::check_events(twilio->handle(req), hotline_key);
      break;
    default:
      req.content_type = data[0] % 4 == 2 ? "application/json" : "application/x-www-form-urlencoded";
      fuzz::sign_generic(req);
      fuzz::check_events(generic->handle(req), hotline_key);
      break;
  }
  return 0;
}
