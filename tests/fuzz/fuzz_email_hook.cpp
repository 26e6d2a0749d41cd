// Fuzz target for the email webhook adapters. The first byte picks Mailgun (the fuzzed form
// gets a valid timestamp/token/signature appended, against a fixed clock) or SendGrid
// (multipart with a fixed boundary, authenticated by the URL token). Events must serialize,
// keep the body bound and carry an email key.
#include "adapters/email/email_hook.hpp"
#include "adapters/signature.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using namespace lg;

constexpr std::size_t max_body = 512;

config::source_config source(const char* preset, nlohmann::json options) {
  config::source_config s;
  s.id = "fuzz";
  s.channel = "email";
  s.preset = preset;
  s.options = std::move(options);
  return s;
}

void check(const std::expected<adapters::adapter_output, core::error>& out) {
  if (!out) return;
  for (const auto& e : out->events) {
    nlohmann::json j = e;
    (void)j.dump();
    if (e.event_id.rfind("email:", 0) != 0 || e.message.size() > max_body) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto mailgun = adapters::email::make_email_adapter(
      source("mailgun", {{"signing_key", "k"}, {"max_body", max_body}}), "fuzz", [] { return std::int64_t{1763780000}; });
  static const auto sendgrid =
      adapters::email::make_email_adapter(source("sendgrid", {{"token", "t"}, {"max_body", max_body}}), "fuzz");
  if (size == 0) return 0;
  adapters::inbound_request req;
  req.method = "POST";
  req.path = "/v1/hooks/email/fuzz";
  req.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    req.target = req.path;
    req.content_type = "application/x-www-form-urlencoded";
    req.body += "&timestamp=1763780000&token=fz&signature=" +
                adapters::sig::to_hex(adapters::sig::hmac_sha256("k", "1763780000fz"));
    check(mailgun->handle(req));
  } else {
    req.query = "token=t";
    req.target = req.path + "?token=t";
    req.content_type = "multipart/form-data; boundary=fz";
    check(sendgrid->handle(req));
  }
  return 0;
}
