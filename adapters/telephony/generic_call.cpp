// The generic hotline preset: a field map (call_id, from, to, status, answered_time, duration)
// into a JSON or form body, authenticated by an HMAC-SHA256 header or the source token.
// Status decides: one of options.ignored_statuses (ringing, in-progress, ...) -> ignored;
// one of options.missed_statuses -> a missed call; anything else (or no status mapped) -> a
// finished call, missed when answered_time is mapped and is empty or 0.
#include "adapters/telephony/call_event.hpp"
#include "adapters/telephony/generic_payload.hpp"
#include "adapters/telephony/hook_adapter.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "adapters/telephony/telephony.hpp"

#include <algorithm>

namespace lg::adapters::telephony {
namespace {

using list = std::vector<std::string>;

bool in_list(const list& l, std::string_view v) {
  return std::any_of(l.begin(), l.end(), [&](const std::string& x) { return hook::iequals(x, v); });
}

list read_list(const nlohmann::json& o, const std::string& p, const char* key, list fallback) {
  const auto it = o.find(key);
  if (it == o.end()) return fallback;
  if (!it->is_array() || it->size() > 64) throw config::config_error(p + "." + key + ": must be an array of strings");
  list out;
  for (const auto& v : *it) {
    if (!v.is_string()) throw config::config_error(p + "." + key + ": must be an array of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

struct generic_call_preset : generic::mapped_preset {
  list missed, ignored;

  hook::reading read(const config::source_config& src, const inbound_request& req) const {
    const auto body = read_body(src, req, "generic hotline");
    if (!body) return hook::quarantine(body.error());
    const auto call_id = body->get("call_id");
    if (!call_id || !hook::valid_id(*call_id))
      return hook::quarantine("generic hotline: call_id missing or not a valid id");
    const auto status = body->get("status").value_or("");
    if (!status.empty() && in_list(ignored, status)) return std::nullopt;
    const auto from = body->get("from");
    if (!from || from->empty()) return hook::quarantine("generic hotline: caller number missing");
    call_facts f{.provider = "generic",
                 .call_id = *call_id,
                 .from = *from,
                 .to = body->get("to").value_or(""),
                 .status = status,
                 .missed = !status.empty() && in_list(missed, status)};
    if (body->maps("answered_time")) {
      const auto answered = body->get("answered_time").and_then(hook::whole_number);
      if (!answered || *answered == 0) f.missed = true;
    }
    f.duration_s = body->get("duration").and_then(hook::whole_number);
    return call_event(src, req, f);
  }
};

}  // namespace

std::unique_ptr<inbound_adapter> make_generic_call_adapter(const config::source_config& src, const std::string& path) {
  const auto p = hook::opt::options_path(src, path,
                                         {"field_map", "signature_header", "secret", "missed_statuses",
                                          "ignored_statuses", "max_body_bytes", "public_base_url"});
  auto mapped = generic::read_mapped_preset(src, path, {"call_id", "from", "to", "status", "answered_time", "duration"},
                                            {"call_id", "from"});
  auto missed = read_list(src.options, p, "missed_statuses",
                          {"missed", "no-answer", "no_answer", "noanswer", "busy", "canceled", "cancelled", "failed",
                           "unanswered"});
  auto ignored = read_list(src.options, p, "ignored_statuses",
                           {"ringing", "queued", "initiated", "dialing", "in-progress", "in_progress", "answered",
                            "started"});
  mapped.max_body = hook::opt::max_body(src.options, p);
  return hook::make_preset_adapter(src, generic_call_preset{std::move(mapped), std::move(missed), std::move(ignored)});
}

std::unique_ptr<inbound_adapter> make_telephony_adapter(const config::source_config& src, const std::string& path) {
  if (src.preset.empty() || src.preset == "stringee") return make_stringee_adapter(src, path);
  if (src.preset == "twilio") return make_twilio_voice_adapter(src, path);
  if (src.preset == "generic") return make_generic_call_adapter(src, path);
  throw config::config_error(path + ".preset: unknown hotline preset '" + src.preset +
                             "' (stringee, twilio or generic)");
}

}  // namespace lg::adapters::telephony
