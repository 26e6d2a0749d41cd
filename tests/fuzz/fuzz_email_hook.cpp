// Fuzz target for the email webhook adapters. The first byte picks Mailgun (the fuzzed form
// gets a valid timestamp/token/signature appended, against a fixed clock) or SendGrid
// (multipart with a fixed boundary, authenticated by the URL token). Events must serialize,
// keep the body bound and carry an email key.
#include "hook_fuzz.hpp"

#include "adapters/email/email_hook.hpp"

using namespace lg;

namespace {
constexpr std::size_t max_body = 512;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto mailgun = adapters::email::make_email_adapter(
      fuzz::source("email", "mailgun", {{"signing_key", "k"}, {"max_body", max_body}}), "fuzz",
      [] { return std::int64_t{1763780000}; });
  static const auto sendgrid = adapters::email::make_email_adapter(
      fuzz::source("email", "sendgrid", {{"token", "t"}, {"max_body", max_body}}), "fuzz");
  if (size == 0) return 0;
  auto req = fuzz::request("/v1/hooks/email/fuzz", data, size);
  const auto email_key = [](const core::lead_event& e) {
    return e.event_id.starts_with("email:") && e.message.size() <= max_body;
  };
  if (data[0] % 2 == 0) {
    req.content_type = "application/x-www-form-urlencoded";
    req.body += "&timestamp=1763780000&token=fz&signature=" +
                core::to_hex(core::hmac_sha256("k", "1763780000fz"));
    fuzz::check_events(mailgun->handle(req), email_key);
  } else {
    req.query = "token=t";
    req.target = req.path + "?token=t";
    req.content_type = "multipart/form-data; boundary=fz";
    fuzz::check_events(sendgrid->handle(req), email_key);
  }
  return 0;
}
