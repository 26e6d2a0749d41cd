// The generic SMS preset: a field map (message_id, from, to, body) into a JSON or form body,
// authenticated by an HMAC-SHA256 header or the source token.
#include "adapters/sms/sms.hpp"
#include "adapters/telephony/generic_payload.hpp"
#include "adapters/telephony/hook_adapter.hpp"
#include "adapters/telephony/hook_common.hpp"

namespace lg::adapters::sms {
namespace {

struct generic_sms_preset : generic::mapped_preset {
  std::size_t max_text = 0;

  hook::reading read(const config::source_config& src, const inbound_request& req) const {
    const auto body = read_body(src, req, "generic sms");
    if (!body) return hook::quarantine(body.error());
    const message_facts f{.provider = "generic",
                          .message_id = body->get("message_id").value_or(""),
                          .from = body->get("from").value_or(""),
                          .to = body->get("to").value_or(""),
                          .body = body->get("body").value_or("")};
    if (!hook::valid_id(f.message_id)) return hook::quarantine("generic sms: message_id missing or not a valid id");
    if (f.from.empty()) return hook::quarantine("generic sms: sender missing");
    return sms_event(src, req, f, max_text);
  }
};

}  // namespace

std::unique_ptr<inbound_adapter> make_generic_sms_adapter(const config::source_config& src, const std::string& path) {
  const auto p = hook::opt::options_path(src, path,
                                         {"field_map", "signature_header", "secret", "max_body_bytes",
                                          "max_text_bytes", "public_base_url"});
  auto mapped = generic::read_mapped_preset(src, path, {"message_id", "from", "to", "body"}, {"message_id", "from"});
  mapped.max_body = hook::opt::max_body(src.options, p);
  const auto max_text = max_text_option(src, p);
  return hook::make_preset_adapter(src, generic_sms_preset{std::move(mapped), max_text});
}

}  // namespace lg::adapters::sms
