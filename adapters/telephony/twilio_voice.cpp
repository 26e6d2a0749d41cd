// Twilio voice status callbacks (form-encoded CallSid, From, To, CallStatus, Direction).
// Point the number's "call status changes" callback here, not the Voice URL: the Voice URL
// expects TwiML that controls the call, which a lead gateway must not answer. Only a final
// status of an inbound call is an event: completed -> a touch, no-answer/busy/canceled/failed
// -> a missed call. queued/ringing/in-progress and outbound legs are counted as ignored.
#include "adapters/telephony/call_event.hpp"
#include "adapters/telephony/hook_adapter.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "adapters/telephony/telephony.hpp"
#include "adapters/telephony/twilio_signature.hpp"
#include "adapters/web_form/web_form.hpp"

namespace lg::adapters::telephony {
namespace {

struct twilio_voice_preset : twilio::signed_preset {
  hook::reading read(const config::source_config& src, const inbound_request& req,
                     const hook::field_list& params) const {
    const auto* sid = hook::find(params, "CallSid");
    if (!sid || !hook::valid_id(*sid)) return hook::quarantine("twilio: CallSid missing or not a valid id");
    const auto st = hook::text(params, "CallStatus");
    const auto* direction = hook::find(params, "Direction");
    const bool missed = st == "no-answer" || st == "busy" || st == "canceled" || st == "failed";
    const bool inbound = !direction || *direction == "inbound";
    if (!inbound || (!missed && st != "completed")) return std::nullopt;
    const auto from = hook::text(params, "From");
    if (from.empty()) return hook::quarantine("twilio: From missing");
    call_facts f{.provider = "twilio",
                 .call_id = *sid,
                 .from = from,
                 .to = hook::text(params, "To"),
                 .status = st,
                 .missed = missed};
    // CallDuration is in seconds; Twilio's "Duration" is rounded minutes, so it is not used.
    const auto* duration_s = hook::find(params, "CallDuration");
    const auto duration = duration_s ? hook::whole_number(*duration_s) : std::nullopt;
    // A "completed" call that lasted 0 s was never really answered.
    if (st == "completed" && duration && *duration == 0) f.missed = true;
    f.duration_s = duration;
    return call_event(src, req, f);
  }
};

}  // namespace

std::unique_ptr<inbound_adapter> make_twilio_voice_adapter(const config::source_config& src, const std::string& path) {
  hook::opt::only_keys(src.options, path + ".options", {"auth_token", "public_base_url", "max_body_bytes"});
  return hook::make_preset_adapter(src, twilio_voice_preset{{twilio::read_hook_options(src, path)}});
}

}  // namespace lg::adapters::telephony
