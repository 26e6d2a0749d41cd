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
#include <charconv>

namespace lg::adapters::telephony {
namespace {

using list = std::vector<std::string>;

bool in_list(const list& l, std::string_view v) {
  return std::any_of(l.begin(), l.end(), [&](const std::string& x) { return hook::iequals(x, v); });
}

std::optional<std::int64_t> to_int(const std::optional<std::string>& s) {
  if (!s || s->empty()) return std::nullopt;
  double v = 0;  // providers send "65", "65.0" or an epoch in ms
  const auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  if (ec != std::errc{} || p != s->data() + s->size() || v < 0 || v > 9e15) return std::nullopt;
  return static_cast<std::int64_t>(v);
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
    if (req.method != "POST") return std::unexpected(core::make_error(core::errc::method_not_allowed, "POST only"));
    if (req.body.size() > max_body_)
      return std::unexpected(core::make_error(core::errc::payload_too_large, "body over options.max_body_bytes"));
    if (!generic::auth_ok(auth_, src_, req))
      return std::unexpected(core::make_error(core::errc::unauthorized, "missing or wrong signature or token"));

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
      const auto answered = to_int(get("answered_time"));
      if (!answered || *answered == 0) f.missed = true;
    }
    f.duration_s = to_int(get("duration"));
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
  const auto max_body = hook::opt::size(src.options, p, "max_body_bytes", default_max_body_bytes, 256, 1 << 20);
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
