// The generic hotline preset: a field map (call_id, from, to, status, answered_time, duration)
// into a JSON or form body, authenticated by an HMAC-SHA256 header or the source token.
// Status decides: one of options.ignored_statuses (ringing, in-progress, ...) -> ignored;
// one of options.missed_statuses -> a missed call; anything else (or no status mapped) -> a
// finished call, missed when answered_time is mapped and is empty or 0.
#include "adapters/telephony/call_event.hpp"
#include "adapters/telephony/generic_payload.hpp"
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

class generic_call_adapter final : public inbound_adapter {
 public:
  generic_call_adapter(config::source_config src, generic::auth auth, std::map<std::string, std::string> map,
                       list missed, list ignored, std::size_t max_body)
      : src_(std::move(src)), auth_(std::move(auth)), map_(std::move(map)), missed_(std::move(missed)),
        ignored_(std::move(ignored)), max_body_(max_body) {}

  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override {
    if (auto ok = generic::check_request(req, auth_, src_, max_body_); !ok) return std::unexpected(ok.error());

    adapter_output out;
    auto body = generic::payload::parse(req, src_.max_fields, max_body_);
    if (!body) {
      out.quarantine_reason = "generic hotline: " + body.error().message;
      return out;
    }
    auto get = [&](const char* target) -> std::optional<std::string> {
      const auto it = map_.find(target);
      return it == map_.end() ? std::nullopt : body->get(it->second);
    };
    const auto call_id = get("call_id");
    if (!call_id || !hook::valid_id(*call_id)) {
      out.quarantine_reason = "generic hotline: call_id missing or not a valid id";
      return out;
    }
    const auto status = get("status").value_or("");
    if (!status.empty() && in_list(ignored_, status)) {
      out.ignored = 1;
      return out;
    }
    const auto from = get("from");
    if (!from || from->empty()) {
      out.quarantine_reason = "generic hotline: caller number missing";
      return out;
    }
    call_facts f;
    f.provider = "generic";
    f.call_id = *call_id;
    f.from = *from;
    f.to = get("to").value_or("");
    f.status = status;
    f.missed = !status.empty() && in_list(missed_, status);
    if (map_.contains("answered_time")) {
      const auto answered = get("answered_time").and_then(hook::whole_number);
      if (!answered || *answered == 0) f.missed = true;
    }
    f.duration_s = get("duration").and_then(hook::whole_number);
    out.events.push_back(call_event(src_, req, f));
    return out;
  }

 private:
  config::source_config src_;
  generic::auth auth_;
  std::map<std::string, std::string> map_;
  list missed_, ignored_;
  std::size_t max_body_;
};

}  // namespace

std::unique_ptr<inbound_adapter> make_generic_call_adapter(const config::source_config& src, const std::string& path) {
  const auto p = path + ".options";
  hook::opt::only_keys(src.options, p,
                       {"field_map", "signature_header", "secret", "missed_statuses", "ignored_statuses",
                        "max_body_bytes", "public_base_url"});
  auto auth = generic::read_auth(src, path);
  auto map = generic::read_field_map(src, path, {"call_id", "from", "to", "status", "answered_time", "duration"},
                                     {"call_id", "from"});
  auto missed = read_list(src.options, p, "missed_statuses",
                          {"missed", "no-answer", "no_answer", "noanswer", "busy", "canceled", "cancelled", "failed",
                           "unanswered"});
  auto ignored = read_list(src.options, p, "ignored_statuses",
                           {"ringing", "queued", "initiated", "dialing", "in-progress", "in_progress", "answered",
                            "started"});
  const auto max_body = hook::opt::max_body(src.options, p);
  return std::make_unique<generic_call_adapter>(src, std::move(auth), std::move(map), std::move(missed),
                                                std::move(ignored), max_body);
}

std::unique_ptr<inbound_adapter> make_telephony_adapter(const config::source_config& src, const std::string& path) {
  if (src.preset.empty() || src.preset == "stringee") return make_stringee_adapter(src, path);
  if (src.preset == "twilio") return make_twilio_voice_adapter(src, path);
  if (src.preset == "generic") return make_generic_call_adapter(src, path);
  throw config::config_error(path + ".preset: unknown hotline preset '" + src.preset +
                             "' (stringee, twilio or generic)");
}

}  // namespace lg::adapters::telephony
