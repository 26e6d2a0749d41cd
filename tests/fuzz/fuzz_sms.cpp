// Fuzz target for the SMS webhook adapters and the mention scanner. The first byte picks the
// preset (Twilio form, generic JSON, or the scanner alone); bodies are signed here so parsing
// is reached. Events must serialize and never take a mentioned phone as identity.
#include "adapters/signature.hpp"
#include "adapters/sms/mentions.hpp"
#include "adapters/sms/sms.hpp"
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
  s.channel = "sms";
  s.preset = preset;
  s.options = std::move(options);
  return s;
}

void check(const std::expected<adapters::adapter_output, core::error>& out) {
  if (!out) return;
  for (const auto& e : out->events) {
    nlohmann::json j = e;
    (void)j.dump();
    if (e.event_id.rfind("sms:msg:", 0) != 0 || e.contact.phones.size() > 1 || !e.contact.emails.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto twilio = adapters::sms::make_sms_adapter(
      source("twilio", {{"auth_token", "t"}, {"public_base_url", "https://fuzz.example"}}), "fuzz");
  static const auto generic = adapters::sms::make_sms_adapter(
      source("generic", {{"signature_header", "x-sig"},
                         {"secret", "g"},
                         {"field_map", {{"message_id", "id"}, {"from", "from"}, {"to", "to"}, {"body", "m.text"}}}}),
      "fuzz");
  if (size == 0) return 0;
  adapters::inbound_request req;
  req.method = "POST";
  req.target = req.path = "/v1/hooks/sms/fuzz";
  req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      req.content_type = "application/x-www-form-urlencoded";
      auto params = adapters::web_form::parse_urlencoded(req.body, 200, 1 << 16);
      req.headers.emplace_back("x-twilio-signature",
                               adapters::sig::base64_encode(adapters::twilio::compute_signature(
                                   "t", "https://fuzz.example/v1/hooks/sms/fuzz",
                                   params ? *params : adapters::web_form::field_list{})));
      check(twilio->handle(req));
      break;
    }
    case 1:
      req.content_type = "application/json";
      req.headers.emplace_back("x-sig", adapters::sig::to_hex(adapters::sig::hmac_sha256("g", req.body)));
      check(generic->handle(req));
      break;
    default: {
      const auto m = adapters::sms::find_mentions(req.body);
      if (m.phones.size() > adapters::sms::max_mentions || m.emails.size() > adapters::sms::max_mentions) std::abort();
      break;
    }
  }
  return 0;
}
