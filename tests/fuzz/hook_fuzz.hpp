// What the webhook fuzz targets (hotline, SMS, email) share: a source of one channel and preset
// (and the options of the Twilio and generic presets), the fuzz input as a POST whose body is
// every byte after the first (the first picks the case), the signatures of a Twilio form body and
// of a generic body, and the check every event a delivery produced passes.
#pragma once

#include "adapters/adapter.hpp"
#include "core/digest.hpp"
#include "adapters/telephony/twilio_signature.hpp"
#include "adapters/web_form/web_form.hpp"
#include "config/config.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <expected>
#include <string>

namespace lg::fuzz {

inline config::source_config source(const char* channel, const char* preset, nlohmann::json options) {
  config::source_config s;
  s.id = "fuzz";
  s.channel = channel;
  s.preset = preset;
  s.options = std::move(options);
  return s;
}

// The options of a Twilio source with auth token "t" behind https://fuzz.example (twilio_url).
inline nlohmann::json twilio_options() { return {{"auth_token", "t"}, {"public_base_url", "https://fuzz.example"}}; }

inline std::string twilio_url(const std::string& path) { return "https://fuzz.example" + path; }

// The options of a generic source signed in header x-sig with secret "g" (sign_generic).
inline nlohmann::json generic_options(nlohmann::json field_map) {
  return {{"signature_header", "x-sig"}, {"secret", "g"}, {"field_map", std::move(field_map)}};
}

// Needs size > 0.
inline adapters::inbound_request request(std::string path, const std::uint8_t* data, std::size_t size) {
  adapters::inbound_request req;
  req.method = "POST";
  req.target = req.path = std::move(path);
  req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  return req;
}

// Signs a form body as Twilio would with auth token `token`, for the public URL `url`.
inline void sign_twilio(adapters::inbound_request& req, const char* token, const std::string& url) {
  req.content_type = "application/x-www-form-urlencoded";
  auto params = adapters::web_form::parse_urlencoded(req.body, 200, 1 << 16);
  req.headers.emplace_back("x-twilio-signature",
                           core::base64_encode(adapters::twilio::compute_signature(
                               token, url, params ? *params : adapters::web_form::field_list{})));
}

// Signs the body as a generic source of generic_options() checks it.
inline void sign_generic(adapters::inbound_request& req) {
  req.headers.emplace_back("x-sig", core::to_hex(core::hmac_sha256("g", req.body)));
}

// Every event serializes (nlohmann::json throws, and the fuzzer reports it, on invalid UTF-8)
// and satisfies `ok`; otherwise the target aborts.
template <class Ok>
void check_events(const std::expected<adapters::adapter_output, core::error>& out, Ok ok) {
  if (!out) return;
  for (const auto& e : out->events) {
    nlohmann::json j = e;
    (void)j.dump();
    if (!ok(e)) std::abort();
  }
}

}  // namespace lg::fuzz
