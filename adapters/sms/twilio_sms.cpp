// Twilio messaging webhooks: form-encoded MessageSid, From, To, Body (or a GET with the same in
// the query), signed like voice. The reply is empty TwiML so Twilio sends no auto-reply SMS.
#include "adapters/sms/sms.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "adapters/telephony/twilio_signature.hpp"

namespace lg::adapters::sms {
namespace {

class twilio_sms_adapter final : public inbound_adapter {
 public:
  twilio_sms_adapter(config::source_config src, twilio::hook_options opts, std::size_t max_text)
      : src_(std::move(src)), opts_(std::move(opts)), max_text_(max_text) {}

  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override {
    auto params = twilio::accept(req, src_, opts_);
    if (!params) return std::unexpected(params.error());

    adapter_output out;
    out.reply = direct_reply{200, "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"};
    const auto* sid = hook::find(*params, "MessageSid");
    if (!sid) sid = hook::find(*params, "SmsSid");  // older webhooks
    if (!sid || !hook::valid_id(*sid)) {
      out.quarantine_reason = "twilio sms: MessageSid missing or not a valid id";
      return out;
    }
    const auto* from = hook::find(*params, "From");
    if (!from || from->empty()) {
      out.quarantine_reason = "twilio sms: From missing";
      return out;
    }
    message_facts f;
    f.provider = "twilio";
    f.message_id = *sid;
    f.from = *from;
    if (const auto* to = hook::find(*params, "To")) f.to = *to;
    if (const auto* body = hook::find(*params, "Body")) f.body = *body;
    out.events.push_back(sms_event(src_, req, f, max_text_));
    return out;
  }

 private:
  config::source_config src_;
  twilio::hook_options opts_;
  std::size_t max_text_;
};

}  // namespace

std::unique_ptr<inbound_adapter> make_twilio_sms_adapter(const config::source_config& src, const std::string& path) {
  const auto p = path + ".options";
  hook::opt::only_keys(src.options, p, {"auth_token", "public_base_url", "max_body_bytes", "max_text_bytes"});
  const auto max_text = hook::opt::size(src.options, p, "max_text_bytes", 8192, 16, 1 << 20);
  return std::make_unique<twilio_sms_adapter>(src, twilio::read_hook_options(src, path), max_text);
}

}  // namespace lg::adapters::sms
