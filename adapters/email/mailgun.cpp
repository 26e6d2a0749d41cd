// Mailgun Routes forward(): form-urlencoded, or multipart when there are attachments (their
// contents are skipped by the multipart parser). Authenticity is in the body itself:
// signature = hex(HMAC-SHA256(key = webhook signing key, msg = timestamp + token)), so the form
// is read first, then checked before any field is used; a timestamp outside ±max_age_s is
// rejected too, so a captured delivery cannot be replayed later.
#include "adapters/email/email_hook.hpp"
#include "core/digest.hpp"
#include "adapters/telephony/hook_adapter.hpp"
#include "adapters/telephony/hook_common.hpp"

#include <algorithm>
#include <charconv>

namespace lg::adapters::email {
namespace {

// A form whose timestamp, token and signature verified.
struct signed_form {
  hook::field_list fields;
  std::int64_t timestamp = 0;  // Unix seconds
  std::string token;
};

struct mailgun_preset {
  std::string key;
  std::int64_t max_age = 0;
  std::size_t max_body = 0;
  clock_fn now;

  std::expected<signed_form, core::error> accept(const config::source_config& src, const inbound_request& req) const {
    if (req.method != "POST") return std::unexpected(core::make_error(core::errc::method_not_allowed, "POST only"));
    // Field values may be as large as the body (an email's text); the server bounds the body.
    auto fields = hook::form_fields(req, src.max_fields, std::max<std::size_t>(req.body.size(), 1));
    if (!fields) return std::unexpected(fields.error());
    const auto* ts = hook::find(*fields, "timestamp");
    const auto* token = hook::find(*fields, "token");
    const auto* signature = hook::find(*fields, "signature");
    if (!ts || !token || !signature || token->size() > 256 || ts->size() > 20)
      return std::unexpected(core::make_error(core::errc::unauthorized, "missing Mailgun timestamp/token/signature"));
    const auto expected = core::to_hex(core::hmac_sha256(key, *ts + *token));
    if (!core::equal_constant_time(expected, *signature))
      return std::unexpected(core::make_error(core::errc::unauthorized, "wrong Mailgun signature"));
    std::int64_t when = 0;
    const auto [p, ec] = std::from_chars(ts->data(), ts->data() + ts->size(), when);
    const auto now_s = now();
    if (ec != std::errc{} || p != ts->data() + ts->size() || when < now_s - max_age || when > now_s + max_age)
      return std::unexpected(core::make_error(core::errc::unauthorized, "Mailgun timestamp outside the allowed window"));
    auto first_token = *token;
    return signed_form{std::move(*fields), when, std::move(first_token)};
  }

  hook::reading read(const config::source_config& src, const inbound_request& req, const signed_form& form) const {
    const auto& fields = form.fields;
    email_facts f;
    f.provider = "mailgun";
    f.from = hook::text(fields, "from");
    f.sender = hook::text(fields, "sender");
    f.recipient = hook::text(fields, "recipient");
    f.subject = hook::text(fields, "subject");
    const auto* stripped = hook::find(fields, "stripped-text");
    const auto* plain = hook::find(fields, "body-plain");
    f.text = stripped && !stripped->empty() ? *stripped : plain ? *plain : "";
    f.occurred_at = hook::rfc3339_from_unix_ms(form.timestamp * 1000);
    std::optional<std::string> id;
    if (const auto* headers = hook::find(fields, "message-headers"))
      if (auto mid = message_id_from_json_headers(*headers)) id = message_id_event_id(*mid);
    if (!id) {
      if (!hook::valid_id(form.token)) return hook::quarantine("mailgun: token is not a valid id");
      id = "email:mailgun:" + form.token;
    }
    f.event_id = *id;
    return email_reading(src, req, f, max_body, "neither from nor sender");
  }
};

}  // namespace

std::unique_ptr<inbound_adapter> make_mailgun_adapter(const config::source_config& src, const std::string& path,
                                                      clock_fn now) {
  const auto p = hook::opt::options_path(src, path, {"signing_key", "max_age_s", "max_body", "public_base_url"});
  auto key = hook::opt::secret(src.options, p, "signing_key", true);
  const auto max_age = hook::opt::size(src.options, p, "max_age_s", 300, 10, 86400);
  const auto max_body = max_body_option(src, p);
  if (!now) now = system_now;
  return hook::make_preset_adapter(
      src, mailgun_preset{std::move(key), static_cast<std::int64_t>(max_age), max_body, std::move(now)});
}

}  // namespace lg::adapters::email
