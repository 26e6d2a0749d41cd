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

#include <charconv>

namespace lg::adapters::telephony {
namespace {

std::optional<std::int64_t> to_int(const std::string* s) {
  if (!s || s->empty()) return std::nullopt;
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || p != s->data() + s->size() || v < 0) return std::nullopt;
  return v;
}

class twilio_voice_adapter final : public inbound_adapter {
 public:
  twilio_voice_adapter(config::source_config src, std::string token, std::string base, std::size_t max_body)
      : src_(std::move(src)), token_(std::move(token)), base_(std::move(base)), max_body_(max_body) {}

  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override {
    if (req.body.size() > max_body_)
      return std::unexpected(core::make_error(core::errc::payload_too_large, "body over options.max_body_bytes"));
    auto params = twilio::verified_params(req, token_, base_, src_.max_fields, max_body_);
    if (!params) return std::unexpected(params.error());
    if (!web_form::token_ok(src_, req))
      return std::unexpected(core::make_error(core::errc::unauthorized, "missing or wrong token"));

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
    const auto duration = to_int(hook::find(*params, "CallDuration"));
    // A "completed" call that lasted 0 s was never really answered.
    if (st == "completed" && duration && *duration == 0) f.missed = true;
    f.duration_s = duration;
    out.events.push_back(call_event(src_, req, f));
    return out;
  }

 private:
  config::source_config src_;
  std::string token_;
  std::string base_;
  std::size_t max_body_;
};

}  // namespace

std::unique_ptr<inbound_adapter> make_twilio_voice_adapter(const config::source_config& src, const std::string& path) {
  const auto p = path + ".options";
  hook::opt::only_keys(src.options, p, {"auth_token", "public_base_url", "max_body_bytes"});
  auto token = hook::opt::secret(src.options, p, "auth_token", true);
  auto base = hook::opt::string(src.options, p, "public_base_url", false);
  if (!base.empty() && base.rfind("https://", 0) != 0 && base.rfind("http://", 0) != 0)
    throw config::config_error(p + ".public_base_url: not an http(s) URL");
  const auto max_body = hook::opt::size(src.options, p, "max_body_bytes", default_max_body_bytes, 256, 1 << 20);
  return std::make_unique<twilio_voice_adapter>(src, std::move(token), std::move(base), max_body);
}

}  // namespace lg::adapters::telephony
