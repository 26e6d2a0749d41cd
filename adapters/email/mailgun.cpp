// Mailgun Routes forward(): form-urlencoded, or multipart when there are attachments (their
// contents are skipped by the multipart parser). Authenticity is in the body itself:
// signature = hex(HMAC-SHA256(key = webhook signing key, msg = timestamp + token)), so the form
// is read first, then checked before any field is used; a timestamp outside ±max_age_s is
// rejected too, so a captured delivery cannot be replayed later.
#include "adapters/email/email_hook.hpp"
#include "adapters/signature.hpp"
#include "adapters/telephony/hook_common.hpp"

#include <charconv>

namespace lg::adapters::email {
namespace {

class mailgun_adapter final : public inbound_adapter {
 public:
  mailgun_adapter(config::source_config src, std::string key, std::int64_t max_age, std::size_t max_body, clock_fn now)
      : src_(std::move(src)), key_(std::move(key)), max_age_(max_age), max_body_(max_body), now_(std::move(now)) {}

  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override {
    if (req.method != "POST") return std::unexpected(core::make_error(core::errc::method_not_allowed, "POST only"));
    // Field values may be as large as the body (an email's text); the server bounds the body.
    auto fields = hook::form_fields(req, src_.max_fields, std::max<std::size_t>(req.body.size(), 1));
    if (!fields) return std::unexpected(fields.error());
    const auto* ts = hook::find(*fields, "timestamp");
    const auto* token = hook::find(*fields, "token");
    const auto* signature = hook::find(*fields, "signature");
    if (!ts || !token || !signature || token->size() > 256 || ts->size() > 20)
      return std::unexpected(core::make_error(core::errc::unauthorized, "missing Mailgun timestamp/token/signature"));
    const auto expected = sig::to_hex(sig::hmac_sha256(key_, *ts + *token));
    if (!sig::equal_constant_time(expected, *signature))
      return std::unexpected(core::make_error(core::errc::unauthorized, "wrong Mailgun signature"));
    std::int64_t when = 0;
    const auto [p, ec] = std::from_chars(ts->data(), ts->data() + ts->size(), when);
    const auto now = now_();
    if (ec != std::errc{} || p != ts->data() + ts->size() || when < now - max_age_ || when > now + max_age_)
      return std::unexpected(core::make_error(core::errc::unauthorized, "Mailgun timestamp outside the allowed window"));

    adapter_output out;
    email_facts f;
    f.provider = "mailgun";
    if (const auto* v = hook::find(*fields, "from")) f.from = *v;
    if (const auto* v = hook::find(*fields, "sender")) f.sender = *v;
    if (const auto* v = hook::find(*fields, "recipient")) f.recipient = *v;
    if (const auto* v = hook::find(*fields, "subject")) f.subject = *v;
    const auto* stripped = hook::find(*fields, "stripped-text");
    const auto* plain = hook::find(*fields, "body-plain");
    f.text = stripped && !stripped->empty() ? *stripped : plain ? *plain : "";
    f.occurred_at = hook::rfc3339_from_unix_ms(when * 1000);
    std::optional<std::string> id;
    if (const auto* headers = hook::find(*fields, "message-headers"))
      if (auto mid = message_id_from_json_headers(*headers)) id = message_id_event_id(*mid);
    if (!id) {
      if (!hook::valid_id(*token)) {
        out.quarantine_reason = "mailgun: token is not a valid id";
        return out;
      }
      id = "email:mailgun:" + *token;
    }
    f.event_id = *id;
    if (f.from.empty() && f.sender.empty()) {
      out.quarantine_reason = "mailgun: neither from nor sender";
      return out;
    }
    out.events.push_back(email_event(src_, req, f, max_body_));
    return out;
  }

 private:
  config::source_config src_;
  std::string key_;
  std::int64_t max_age_;
  std::size_t max_body_;
  clock_fn now_;
};

}  // namespace

std::unique_ptr<inbound_adapter> make_mailgun_adapter(const config::source_config& src, const std::string& path,
                                                      clock_fn now) {
  const auto p = path + ".options";
  hook::opt::only_keys(src.options, p, {"signing_key", "max_age_s", "max_body", "public_base_url"});
  auto key = hook::opt::secret(src.options, p, "signing_key", true);
  const auto max_age = hook::opt::size(src.options, p, "max_age_s", 300, 10, 86400);
  const auto max_body = hook::opt::size(src.options, p, "max_body", default_max_body, 0, 1 << 20);
  if (!now) now = system_now;
  return std::make_unique<mailgun_adapter>(src, std::move(key), static_cast<std::int64_t>(max_age), max_body,
                                           std::move(now));
}

}  // namespace lg::adapters::email
