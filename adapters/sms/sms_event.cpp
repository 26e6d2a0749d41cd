// One inbound SMS -> one lead event; also the SMS preset factory.
#include "adapters/sms/mentions.hpp"
#include "adapters/sms/sms.hpp"
#include "adapters/telephony/hook_common.hpp"

namespace lg::adapters::sms {

core::lead_event sms_event(const config::source_config& src, const inbound_request& req, const message_facts& f,
                           std::size_t max_text) {
  auto e = hook::base_event(src, req, core::channel::sms);
  e.event_id = "sms:msg:" + f.message_id;
  hook::add_reported_phone(e.contact, f.from);
  // Cleaned whole first (a replaced byte grows to three), then cut on a character boundary.
  e.message = hook::utf8_clean(f.body, f.body.size() * 3 + 3);
  if (hook::utf8_truncate(e.message, max_text)) e.extra["body_truncated"] = "true";
  if (auto to = hook::reported_e164(f.to)) e.extra["to_number"] = *to;
  else if (!f.to.empty()) e.extra["to_number_raw"] = hook::utf8_clean(f.to, 64);
  e.extra["message_id"] = f.message_id;
  e.extra["sms_provider"] = f.provider;
  const auto m = find_mentions(e.message);
  if (!m.phones.empty()) e.extra["mentioned_phones"] = join(m.phones);
  if (!m.emails.empty()) e.extra["mentioned_emails"] = join(m.emails);
  return e;
}

std::size_t max_text_option(const config::source_config& src, const std::string& options_path) {
  return hook::opt::size(src.options, options_path, "max_text_bytes", 8192, 16, 1 << 20);
}

std::unique_ptr<inbound_adapter> make_sms_adapter(const config::source_config& src, const std::string& path) {
  if (src.preset.empty() || src.preset == "twilio") return make_twilio_sms_adapter(src, path);
  if (src.preset == "generic") return make_generic_sms_adapter(src, path);
  throw config::config_error(path + ".preset: unknown sms preset '" + src.preset + "' (twilio or generic)");
}

}  // namespace lg::adapters::sms
