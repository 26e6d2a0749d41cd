// Twilio voice status callbacks (form-encoded CallSid, From, To, CallStatus, Direction).
// Point the number's "call status changes" callback here, not the Voice URL: the Voice URL
// expects TwiML that controls the call, which a lead gateway must not answer. Only a final
// status of an inbound call is an event: completed -> a touch, no-answer/busy/canceled/failed
// -> a missed call. queued/ringing/in-progress and outbound legs are counted as ignored.
#include "adapters/telephony/call_event.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "adapters/telephony/telephony.hpp"
#include "adapters/telephony/twilio_signature.hpp"
#include "adapters/web_form/web_form.hpp"

namespace lg::adapters::telephony {
namespace {

class twilio_voice_adapter final : public inbound_adapter {
 public:
  twilio_voice_adapter(config::source_config src, twilio::hook_options opts)
      : src_(std::move(src)), opts_(std::move(opts)) {}

  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override {
    auto params = twilio::accept(req, src_, opts_);
    if (!params) return std::unexpected(params.error());

    adapter_output out;
    const auto* sid = hook::find(*params, "CallSid");
    if (!sid || !hook::valid_id(*sid)) {
      out.quarantine_reason = "twilio: CallSid missing or not a valid id";
      return out;
    }
    const auto* status = hook::find(*params, "CallStatus");
    const auto* direction = hook::find(*params, "Direction");
    const std::string st = status ? *status : "";
    const bool missed = st == "no-answer" || st == "busy" || st == "canceled" || st == "failed";
    const bool inbound = !direction || *direction == "inbound";
    if (!inbound || (!missed && st != "completed")) {
      out.ignored = 1;
      return out;
    }
    const auto* from = hook::find(*params, "From");
    if (!from || from->empty()) {
      out.quarantine_reason = "twilio: From missing";
      return out;
    }
    call_facts f;
    f.provider = "twilio";
    f.call_id = *sid;
    f.from = *from;
    if (const auto* to = hook::find(*params, "To")) f.to = *to;
    f.status = st;
    f.missed = missed;
    // CallDuration is in seconds; Twilio's "Duration" is rounded minutes, so it is not used.
    const auto* duration_s = hook::find(*params, "CallDuration");
    const auto duration = duration_s ? hook::whole_number(*duration_s) : std::nullopt;
    // A "completed" call that lasted 0 s was never really answered.
    if (st == "completed" && duration && *duration == 0) f.missed = true;
    f.duration_s = duration;
    out.events.push_back(call_event(src_, req, f));
    return out;
  }

 private:
  config::source_config src_;
  twilio::hook_options opts_;
};

}  // namespace

std::unique_ptr<inbound_adapter> make_twilio_voice_adapter(const config::source_config& src, const std::string& path) {
  const auto p = path + ".options";
  hook::opt::only_keys(src.options, p, {"auth_token", "public_base_url", "max_body_bytes"});
  return std::make_unique<twilio_voice_adapter>(src, twilio::read_hook_options(src, path));
}

}  // namespace lg::adapters::telephony
