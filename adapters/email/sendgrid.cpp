// SendGrid Inbound Parse: multipart from, to, subject, text, headers, envelope (JSON
// {"to":[...],"from":"..."}). SendGrid does not sign these posts, so the URL carries a secret
// (?token=) or the URL has basic-auth credentials; both are compared in constant time.
// Without a Message-ID in the headers the key is a hash of what identifies the message, which
// SendGrid's retries repeat exactly.
#include "adapters/email/email_hook.hpp"
#include "adapters/signature.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "adapters/web_form/web_form.hpp"

#include <nlohmann/json.hpp>

namespace lg::adapters::email {
namespace {

class sendgrid_adapter final : public inbound_adapter {
 public:
  sendgrid_adapter(config::source_config src, std::string token, std::string basic, std::size_t max_body)
      : src_(std::move(src)), token_(std::move(token)), basic_(std::move(basic)), max_body_(max_body) {}

  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override {
    if (req.method != "POST") return std::unexpected(core::make_error(core::errc::method_not_allowed, "POST only"));
    if (!authentic(req))
      return std::unexpected(core::make_error(core::errc::unauthorized, "missing or wrong token or basic auth"));
    adapter_output out;
    auto fields = hook::form_fields(req, src_.max_fields, std::max<std::size_t>(req.body.size(), 1));
    if (!fields) {
      out.quarantine_reason = "sendgrid: " + fields.error().message;
      return out;
    }
    auto get = [&](const char* name) {
      const auto* v = hook::find(*fields, name);
      return v ? *v : std::string{};
    };
    email_facts f;
    f.provider = "sendgrid";
    f.from = get("from");
    f.recipient = get("to");
    f.subject = get("subject");
    f.text = get("text");
    if (f.text.empty() && hook::find(*fields, "email")) {
      out.quarantine_reason = "sendgrid: raw MIME posts are not supported; turn off 'POST the raw, full MIME message'";
      return out;
    }
    const auto envelope = nlohmann::json::parse(get("envelope"), nullptr, /*allow_exceptions=*/false);
    if (envelope.is_object()) {
      if (auto it = envelope.find("from"); it != envelope.end() && it->is_string()) f.sender = it->get<std::string>();
      if (auto it = envelope.find("to"); it != envelope.end() && it->is_array() && !it->empty() && (*it)[0].is_string())
        f.recipient = (*it)[0].get<std::string>();
    }
    std::optional<std::string> id;
    if (auto mid = message_id_from_header_block(get("headers"))) id = message_id_event_id(*mid);
    f.event_id = id ? *id
                    : "email:sendgrid:" + sig::sha256_hex(f.from + '\n' + get("to") + '\n' + f.subject + '\n' + f.text);
    if (f.from.empty() && f.sender.empty()) {
      out.quarantine_reason = "sendgrid: neither from nor envelope.from";
      return out;
    }
    out.events.push_back(email_event(src_, req, f, max_body_));
    return out;
  }

 private:
  bool authentic(const inbound_request& req) const {
    bool ok = false;
    if (!token_.empty()) {
      std::string given;
      if (auto q = web_form::parse_urlencoded(req.query, 64, 512))
        if (const auto* t = hook::find(*q, "token")) given = *t;
      ok = sig::equal_constant_time(token_, given) || ok;
    }
    if (!basic_.empty()) {
      std::string given;
      if (auto h = req.header("authorization"); h && h->size() > 6 && h->size() < 1024 && hook::iequals(h->substr(0, 6), "basic "))
        if (!sig::base64_decode(h->substr(6), given)) given.clear();
      ok = sig::equal_constant_time(basic_, given) || ok;
    }
    if (!src_.token.empty()) ok = web_form::token_ok(src_, req) || ok;
    return ok;
  }

  config::source_config src_;
  std::string token_;
  std::string basic_;  // "user:password", as basic auth carries it
  std::size_t max_body_;
};

}  // namespace

std::unique_ptr<inbound_adapter> make_sendgrid_adapter(const config::source_config& src, const std::string& path) {
  const auto p = path + ".options";
  hook::opt::only_keys(src.options, p, {"token", "username", "password", "max_body", "public_base_url"});
  auto token = hook::opt::secret(src.options, p, "token", false);
  const auto user = hook::opt::string(src.options, p, "username", false);
  const auto pass = hook::opt::secret(src.options, p, "password", false);
  if (user.empty() != pass.empty())
    throw config::config_error(p + (user.empty() ? ".username" : ".password") + ": username and password go together");
  if (user.find(':') != std::string::npos) throw config::config_error(p + ".username: must not contain ':'");
  if (token.empty() && user.empty() && src.token.empty())
    throw config::config_error(p + ".token: required unless username/password or the source token is set "
                                   "(SendGrid does not sign its posts)");
  const auto max_body = hook::opt::size(src.options, p, "max_body", default_max_body, 0, 1 << 20);
  return std::make_unique<sendgrid_adapter>(src, std::move(token), user.empty() ? std::string{} : user + ":" + pass,
                                            max_body);
}

}  // namespace lg::adapters::email
