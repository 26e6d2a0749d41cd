// Stringee event_url deliveries. The signature, when a signing secret is configured, is
// Base64(HMAC-SHA1(raw body, secret)) in X-STRINGEE-SIGNATURE and is then required. Like
// Chatwoot, only call_status "ended" is acted on: it carries the whole story of the call
// (answered or not, durations), so one event per call needs no state between deliveries.
#include "core/digest.hpp"
#include "adapters/telephony/call_event.hpp"
#include "adapters/telephony/hook_adapter.hpp"
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

struct stringee_preset {
  std::string secret;
  std::size_t max_body = 0;

  std::expected<void, core::error> accept(const config::source_config& src, const inbound_request& req) const {
    if (req.method != "POST") return std::unexpected(core::make_error(core::errc::method_not_allowed, "POST only"));
    if (auto ok = hook::body_within(req, max_body); !ok) return ok;
    if (!secret.empty()) {
      const auto h = req.header("x-stringee-signature");
      std::string given;
      if (!h || h->size() > 256 || !core::base64_decode(*h, given) ||
          !core::equal_constant_time(core::hmac_sha1(secret, req.body), given))
        return std::unexpected(core::make_error(core::errc::unauthorized, "missing or wrong X-STRINGEE-SIGNATURE"));
    }
    if (!web_form::token_ok(src, req))
      return std::unexpected(core::make_error(core::errc::unauthorized, "missing or wrong token"));
    return {};
  }

  hook::reading read(const config::source_config& src, const inbound_request& req) const {
    const auto doc = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) return hook::quarantine("stringee: body is not a JSON object");
    const auto call_id = text_member(doc, "call_id");
    if (!hook::valid_id(call_id)) return hook::quarantine("stringee: call_id missing or not a valid id");
    const auto status = text_member(doc, "call_status");
    const auto reason = text_member(doc, "callCreatedReason");
    // Ringing/answered/etc. precede "ended"; calls the center places are not leads arriving.
    if (status != "ended" || (!reason.empty() && reason != "EXTERNAL_CALL_IN")) return std::nullopt;
    const auto answered_time = int_member(doc, "answeredTime");
    const auto answer_duration = int_member(doc, "answerDuration");
    call_facts f{.provider = "stringee",
                 .call_id = call_id,
                 .from = party_number(doc, "from"),
                 .to = party_number(doc, "to"),
                 .status = status,
                 .missed = !(answered_time && *answered_time > 0) || (answer_duration && *answer_duration <= 0)};
    if (auto d = int_member(doc, "duration"); d && *d >= 0) f.duration_s = *d;
    if (auto ts = int_member(doc, "timestamp_ms")) f.occurred_at = hook::rfc3339_from_unix_ms(*ts);
    if (f.from.empty()) return hook::quarantine("stringee: from.number missing");
    return call_event(src, req, f);
  }
};

}  // namespace

std::unique_ptr<inbound_adapter> make_stringee_adapter(const config::source_config& src, const std::string& path) {
  const auto p = hook::opt::options_path(src, path, {"signing_secret", "max_body_bytes", "public_base_url"});
  auto secret = hook::opt::secret(src.options, p, "signing_secret", false);
  if (secret.empty() && src.token.empty())
    throw config::config_error(p + ".signing_secret: required unless the source has a token "
                                   "(an unauthenticated hook would accept anyone's calls)");
  const auto max_body = hook::opt::max_body(src.options, p);
  return hook::make_preset_adapter(src, stringee_preset{std::move(secret), max_body});
}

}  // namespace lg::adapters::telephony
