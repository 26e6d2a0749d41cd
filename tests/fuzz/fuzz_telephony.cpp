// Fuzz target for the hotline webhook adapters. The first input byte picks the preset
// (Stringee JSON, Twilio voice form, generic JSON/form); the rest is the body, signed here
// with the configured secret so the parsers behind the signature check are reached. Every
// produced event must serialize to JSON (valid UTF-8, no throw) and carry the hotline key.
#include "adapters/signature.hpp"
#include "adapters/telephony/telephony.hpp"
#include "adapters/telephony/twilio_signature.hpp"
#include "adapters/web_form/web_form.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using namespace lg;

config::source_config source(const char* preset, nlohmann::json options) {
  config::source_config s;
  s.id = "fuzz";
  s.channel = "hotline";
  s.preset = preset;
  s.options = std::move(options);
  return s;
}

void check(const std::expected<adapters::adapter_output, core::error>& out) {
  if (!out) return;
  for (const auto& e : out->events) {
    nlohmann::json j = e;
    (void)j.dump();  // throws (and the fuzzer reports it) on invalid UTF-8
    if (e.event_id.rfind("hotline:call:", 0) != 0) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto stringee =
      adapters::telephony::make_telephony_adapter(source("stringee", {{"signing_secret", "s"}}), "fuzz");
  static const auto twilio = adapters::telephony::make_telephony_adapter(
      source("twilio", {{"auth_token", "t"}, {"public_base_url", "https://fuzz.example"}}), "fuzz");
  static const auto generic = adapters::telephony::make_telephony_adapter(
      source("generic", {{"signature_header", "x-sig"},
                         {"secret", "g"},
                         {"field_map",
                          {{"call_id", "id"}, {"from", "a.from"}, {"to", "to"}, {"status", "status"},
                           {"answered_time", "answered"}, {"duration", "d"}}}}),
      "fuzz");
  if (size == 0) return 0;
  adapters::inbound_request req;
  req.method = "POST";
  req.target = req.path = "/v1/hooks/telephony/fuzz";
  req.received_at = "2026-11-22T03:00:00.000Z";
  req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0:
      req.content_type = "application/json";
      req.headers.emplace_back("x-stringee-signature", adapters::sig::base64_encode(adapters::sig::hmac_sha1("s", req.body)));
      check(stringee->handle(req));
      break;
    case 1: {
      req.content_type = "application/x-www-form-urlencoded";
      auto params = adapters::web_form::parse_urlencoded(req.body, 200, 1 << 16);
      const auto sig = adapters::sig::base64_encode(adapters::twilio::compute_signature(
          "t", "https://fuzz.example/v1/hooks/telephony/fuzz", params ? *params : adapters::web_form::field_list{}));
      req.headers.emplace_back("x-twilio-signature", sig);
      check(twilio->handle(req));
      break;
    }
    default:
      req.content_type = data[0] % 4 == 2 ? "application/json" : "application/x-www-form-urlencoded";
      req.headers.emplace_back("x-sig", adapters::sig::to_hex(adapters::sig::hmac_sha256("g", req.body)));
      check(generic->handle(req));
      break;
  }
  return 0;
}
