// Stringee event_url deliveries. The signature, when a signing secret is configured, is
// Base64(HMAC-SHA1(raw body, secret)) in X-STRINGEE-SIGNATURE and is then required. Like
// Chatwoot, only call_status "ended" is acted on: it carries the whole story of the call
// (answered or not, durations), so one event per call needs no state between deliveries.
#include "adapters/signature.hpp"
#include "adapters/telephony/call_event.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "adapters/telephony/telephony.hpp"
#include "adapters/web_form/web_form.hpp"

#include <nlohmann/json.hpp>

namespace lg::adapters::telephony {
namespace {

using nlohmann::json;

std::optional<std::int64_t> int_member(const json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_unsigned() && it->get<std::uint64_t>() <= INT64_MAX)
    return static_cast<std::int64_t>(it->get<std::uint64_t>());
  if (it->is_number_float()) {
    const double d = it->get<double>();
    if (d >= -9e15 && d <= 9e15) return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}

std::string text_member(const json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_unsigned()) return std::to_string(it->get<std::uint64_t>());
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  return {};
}

std::string party_number(const json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end()) return {};
  if (it->is_object()) return text_member(*it, "number");
  return text_member(o, key);
}

class stringee_adapter final : public inbound_adapter {
 public:
  stringee_adapter(config::source_config src, std::string secret, std::size_t max_body)
      : src_(std::move(src)), secret_(std::move(secret)), max_body_(max_body) {}

  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override {
    if (req.method != "POST") return std::unexpected(core::make_error(core::errc::method_not_allowed, "POST only"));
    if (auto ok = hook::body_within(req, max_body_); !ok) return std::unexpected(ok.error());
    if (!secret_.empty()) {
      const auto h = req.header("x-stringee-signature");
      std::string given;
      if (!h || h->size() > 256 || !sig::base64_decode(*h, given) ||
          !sig::equal_constant_time(sig::hmac_sha1(secret_, req.body), given))
        return std::unexpected(core::make_error(core::errc::unauthorized, "missing or wrong X-STRINGEE-SIGNATURE"));
    }
    if (!web_form::token_ok(src_, req))
      return std::unexpected(core::make_error(core::errc::unauthorized, "missing or wrong token"));

    adapter_output out;
    const auto doc = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) {
      out.quarantine_reason = "stringee: body is not a JSON object";
      return out;
    }
    const auto call_id = text_member(doc, "call_id");
    if (!hook::valid_id(call_id)) {
      out.quarantine_reason = "stringee: call_id missing or not a valid id";
      return out;
    }
    const auto status = text_member(doc, "call_status");
    const auto reason = text_member(doc, "callCreatedReason");
    // Ringing/answered/etc. precede "ended"; calls the center places are not leads arriving.
    if (status != "ended" || (!reason.empty() && reason != "EXTERNAL_CALL_IN")) {
      out.ignored = 1;
      return out;
    }
    call_facts f;
    f.provider = "stringee";
    f.call_id = call_id;
    f.from = party_number(doc, "from");
    f.to = party_number(doc, "to");
    f.status = status;
    const auto answered_time = int_member(doc, "answeredTime");
    const auto answer_duration = int_member(doc, "answerDuration");
    f.missed = !(answered_time && *answered_time > 0) || (answer_duration && *answer_duration <= 0);
    if (auto d = int_member(doc, "duration"); d && *d >= 0) f.duration_s = *d;
    if (auto ts = int_member(doc, "timestamp_ms")) f.occurred_at = hook::rfc3339_from_unix_ms(*ts);
    if (f.from.empty()) {
      out.quarantine_reason = "stringee: from.number missing";
      return out;
    }
    out.events.push_back(call_event(src_, req, f));
    return out;
  }

 private:
  config::source_config src_;
  std::string secret_;
  std::size_t max_body_;
};

}  // namespace

std::unique_ptr<inbound_adapter> make_stringee_adapter(const config::source_config& src, const std::string& path) {
  const auto p = path + ".options";
  hook::opt::only_keys(src.options, p, {"signing_secret", "max_body_bytes", "public_base_url"});
  auto secret = hook::opt::secret(src.options, p, "signing_secret", false);
  if (secret.empty() && src.token.empty())
    throw config::config_error(p + ".signing_secret: required unless the source has a token "
                                   "(an unauthenticated hook would accept anyone's calls)");
  const auto max_body = hook::opt::max_body(src.options, p);
  return std::make_unique<stringee_adapter>(src, std::move(secret), max_body);
}

}  // namespace lg::adapters::telephony
