// What the webhook fuzz targets (hotline, SMS, email) share: a source of one channel and preset,
// the fuzz input as a POST whose body is every byte after the first (the first picks the case),
// a Twilio signature over a form body, and the check every event a delivery produced passes.
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/signature.hpp"
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
                           adapters::sig::base64_encode(adapters::twilio::compute_signature(
                               token, url, params ? *params : adapters::web_form::field_list{})));
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
