// SendGrid Inbound Parse: multipart from, to, subject, text, headers, envelope (JSON
// {"to":[...],"from":"..."}). SendGrid does not sign these posts, so the URL carries a secret
// (?token=) or the URL has basic-auth credentials; both are compared in constant time.
// Without a Message-ID in the headers the key is a hash of what identifies the message, which
// SendGrid's retries repeat exactly.
#include "adapters/email/email_hook.hpp"
#include "core/digest.hpp"
#include "adapters/telephony/hook_adapter.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "adapters/web_form/web_form.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace lg::adapters::email {
namespace {

struct sendgrid_preset {
  std::string token;
  std::string basic;  // "user:password", as basic auth carries it
  std::size_t max_body = 0;

  std::expected<void, core::error> accept(const config::source_config& src, const inbound_request& req) const {
    if (req.method != "POST") return std::unexpected(core::make_error(core::errc::method_not_allowed, "POST only"));
    if (!authentic(src, req))
      return std::unexpected(core::make_error(core::errc::unauthorized, "missing or wrong token or basic auth"));
    return {};
  }

  hook::reading read(const config::source_config& src, const inbound_request& req) const {
    const auto fields = hook::form_fields(req, src.max_fields, std::max<std::size_t>(req.body.size(), 1));
    if (!fields) return hook::quarantine("sendgrid: " + fields.error().message);
    email_facts f;
    f.provider = "sendgrid";
    f.from = hook::text(*fields, "from");
    f.recipient = hook::text(*fields, "to");
    f.subject = hook::text(*fields, "subject");
    f.text = hook::text(*fields, "text");
    if (f.text.empty() && hook::find(*fields, "email"))
      return hook::quarantine("sendgrid: raw MIME posts are not supported; turn off 'POST the raw, full MIME message'");
    const auto envelope = nlohmann::json::parse(hook::text(*fields, "envelope"), nullptr, /*allow_exceptions=*/false);
    if (envelope.is_object()) {
      if (auto it = envelope.find("from"); it != envelope.end() && it->is_string()) f.sender = it->get<std::string>();
      if (auto it = envelope.find("to"); it != envelope.end() && it->is_array() && !it->empty() && (*it)[0].is_string())
        f.recipient = (*it)[0].get<std::string>();
    }
    std::optional<std::string> id;
    if (auto mid = message_id_from_header_block(hook::text(*fields, "headers"))) id = message_id_event_id(*mid);
    f.event_id = id ? *id
                    : "email:sendgrid:" + core::sha256_hex(f.from + '\n' + hook::text(*fields, "to") + '\n' + f.subject +
                                                           '\n' + f.text);
    return email_reading(src, req, f, max_body, "neither from nor envelope.from");
  }

  bool authentic(const config::source_config& src, const inbound_request& req) const {
    bool ok = false;
    if (!token.empty()) {
      std::string given;
      if (auto q = web_form::parse_urlencoded(req.query, 64, 512))
        if (const auto* t = hook::find(*q, "token")) given = *t;
      ok = core::equal_constant_time(token, given) || ok;
    }
    if (!basic.empty()) {
      std::string given;
      if (auto h = req.header("authorization"); h && h->size() > 6 && h->size() < 1024 && hook::iequals(h->substr(0, 6), "basic "))
        if (!core::base64_decode(h->substr(6), given)) given.clear();
      ok = core::equal_constant_time(basic, given) || ok;
    }
    if (!src.token.empty()) ok = web_form::token_ok(src, req) || ok;
    return ok;
  }
};

}  // namespace

std::unique_ptr<inbound_adapter> make_sendgrid_adapter(const config::source_config& src, const std::string& path) {
  const auto p = hook::opt::options_path(src, path, {"token", "username", "password", "max_body", "public_base_url"});
  auto token = hook::opt::secret(src.options, p, "token", false);
  const auto user = hook::opt::string(src.options, p, "username", false);
  const auto pass = hook::opt::secret(src.options, p, "password", false);
  if (user.empty() != pass.empty())
    throw config::config_error(p + (user.empty() ? ".username" : ".password") + ": username and password go together");
  if (user.find(':') != std::string::npos) throw config::config_error(p + ".username: must not contain ':'");
  if (token.empty() && user.empty() && src.token.empty())
    throw config::config_error(p + ".token: required unless username/password or the source token is set "
                                   "(SendGrid does not sign its posts)");
  const auto max_body = max_body_option(src, p);
  return hook::make_preset_adapter(
      src, sendgrid_preset{std::move(token), user.empty() ? std::string{} : user + ":" + pass, max_body});
}

}  // namespace lg::adapters::email
