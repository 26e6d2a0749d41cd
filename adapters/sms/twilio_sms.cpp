// Twilio messaging webhooks: form-encoded MessageSid, From, To, Body (or a GET with the same in
// the query), signed like voice. The reply is empty TwiML so Twilio sends no auto-reply SMS.
#include "adapters/sms/sms.hpp"
#include "adapters/telephony/hook_adapter.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "adapters/telephony/twilio_signature.hpp"

namespace lg::adapters::sms {
namespace {

struct twilio_sms_preset : twilio::signed_preset {
  std::size_t max_text = 0;

  hook::reading read(const config::source_config& src, const inbound_request& req,
                     const hook::field_list& params) const {
    const auto* sid = hook::find(params, "MessageSid");
    if (!sid) sid = hook::find(params, "SmsSid");  // older webhooks
    if (!sid || !hook::valid_id(*sid)) return hook::quarantine("twilio sms: MessageSid missing or not a valid id");
    const auto from = hook::text(params, "From");
    if (from.empty()) return hook::quarantine("twilio sms: From missing");
    const message_facts f{.provider = "twilio",
                          .message_id = *sid,
                          .from = from,
                          .to = hook::text(params, "To"),
                          .body = hook::text(params, "Body")};
    return sms_event(src, req, f, max_text);
  }

  direct_reply reply() const {
    return direct_reply{200, "text/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>"};
  }
};

}  // namespace

std::unique_ptr<inbound_adapter> make_twilio_sms_adapter(const config::source_config& src, const std::string& path) {
  const auto p = hook::opt::options_path(src, path, {"auth_token", "public_base_url", "max_body_bytes", "max_text_bytes"});
  const auto max_text = max_text_option(src, p);
  return hook::make_preset_adapter(src, twilio_sms_preset{{twilio::read_hook_options(src, path)}, max_text});
}

}  // namespace lg::adapters::sms
