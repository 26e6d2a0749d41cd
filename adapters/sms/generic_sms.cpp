// The generic SMS preset: a field map (message_id, from, to, body) into a JSON or form body,
// authenticated by an HMAC-SHA256 header or the source token.
#include "adapters/sms/sms.hpp"
#include "adapters/telephony/generic_payload.hpp"
#include "adapters/telephony/hook_common.hpp"

namespace lg::adapters::sms {
namespace {

class generic_sms_adapter final : public inbound_adapter {
 public:
  generic_sms_adapter(config::source_config src, generic::auth auth, std::map<std::string, std::string> map,
                      std::size_t max_body, std::size_t max_text)
      : src_(std::move(src)), auth_(std::move(auth)), map_(std::move(map)), max_body_(max_body),
        max_text_(max_text) {}

  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override {
    if (auto ok = generic::check_request(req, auth_, src_, max_body_); !ok) return std::unexpected(ok.error());

    adapter_output out;
    auto body = generic::payload::parse(req, src_.max_fields, max_body_);
    if (!body) {
      out.quarantine_reason = "generic sms: " + body.error().message;
      return out;
    }
    auto get = [&](const char* target) -> std::string {
      const auto it = map_.find(target);
      return it == map_.end() ? std::string{} : body->get(it->second).value_or("");
    };
    message_facts f;
    f.provider = "generic";
    f.message_id = get("message_id");
    f.from = get("from");
    f.to = get("to");
    f.body = get("body");
    if (!hook::valid_id(f.message_id)) {
      out.quarantine_reason = "generic sms: message_id missing or not a valid id";
      return out;
    }
    if (f.from.empty()) {
      out.quarantine_reason = "generic sms: sender missing";
      return out;
    }
    out.events.push_back(sms_event(src_, req, f, max_text_));
    return out;
  }

 private:
  config::source_config src_;
  generic::auth auth_;
  std::map<std::string, std::string> map_;
  std::size_t max_body_;
  std::size_t max_text_;
};

}  // namespace

std::unique_ptr<inbound_adapter> make_generic_sms_adapter(const config::source_config& src, const std::string& path) {
  const auto p = path + ".options";
  hook::opt::only_keys(src.options, p,
                       {"field_map", "signature_header", "secret", "max_body_bytes", "max_text_bytes",
                        "public_base_url"});
  auto auth = generic::read_auth(src, path);
  auto map = generic::read_field_map(src, path, {"message_id", "from", "to", "body"}, {"message_id", "from"});
  const auto max_body = hook::opt::max_body(src.options, p);
  const auto max_text = hook::opt::size(src.options, p, "max_text_bytes", 8192, 16, 1 << 20);
  return std::make_unique<generic_sms_adapter>(src, std::move(auth), std::move(map), max_body, max_text);
}

}  // namespace lg::adapters::sms
