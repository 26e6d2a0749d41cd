// make_adapter: one case per webhook channel. Each case validates its source's options (and
// resolves secrets) at startup, so a bad config fails before the first request.
#include "adapters/adapter.hpp"

#include "adapters/email/email_hook.hpp"
#include "adapters/email/imap_source.hpp"
#include "adapters/facebook/facebook.hpp"
#include "adapters/partner_api/partner_api.hpp"
#include "adapters/sms/sms.hpp"
#include "adapters/telephony/telephony.hpp"
#include "adapters/zalo/zalo.hpp"

namespace lg::adapters {

std::unique_ptr<inbound_adapter> make_adapter(const config::source_config& src, const std::string& path) {
  const std::string options_path = path + ".options";
  const std::string& ch = src.channel;
  if (ch == "zalo") {
    return std::make_unique<zalo::adapter>(src.id, zalo::parse_options(src.options, options_path));
  }
  // One Meta app delivers Messenger and Lead Ads to one URL: either source channel is that app.
  if (ch == "facebook" || ch == "facebook_messenger" || ch == "facebook_lead_ads") {
    return std::make_unique<facebook::adapter>(src.id, facebook::parse_options(src.options, options_path));
  }
  if (ch == "api") {
    // POST /v1/leads answers per item, so the gateway calls partner_api directly; the options
    // are still checked here so that a bad key hash fails at startup.
    (void)partner_api::parse_options(src.options, options_path);
    return nullptr;
  }
  // Sources name the lead channel ("hotline"); the route segment is "telephony".
  if (ch == "hotline" || ch == "telephony") return telephony::make_telephony_adapter(src, path);
  if (ch == "sms") return sms::make_sms_adapter(src, path);
  // nullptr for an IMAP mailbox (preset "imap"): it is polled, not posted to.
  if (ch == "email") return email::make_email_adapter(src, path);
  if (ch == "web_form" || ch == "landing_page") return nullptr;
  throw config::config_error(path + ".channel: no adapter for channel '" + ch + "'");
}

void check_source(const config::source_config& src, const std::string& path) {
  (void)make_adapter(src, path);
  if (src.channel == "email" && src.preset == "imap") (void)email::read_imap_options(src, path);
}

}  // namespace lg::adapters
