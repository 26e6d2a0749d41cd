// See settings.hpp.
#include "provider_apis/settings.hpp"

namespace lg::provider_apis {

net::http_request api_get(std::string url, std::chrono::milliseconds timeout) {
  net::http_request req;
  req.method = boost::beast::http::verb::get;
  req.url = std::move(url);
  req.connect_timeout = timeout;
  req.read_timeout = timeout;
  req.total_timeout = timeout;
  req.body_limit = 1024 * 1024;
  return req;
}

api_settings make_api_settings(const config::config& cfg) {
  api_settings s;
  s.tenant = cfg.tenant;
  for (std::size_t i = 0; i < cfg.sources.size(); ++i) {
    const auto& src = cfg.sources[i];
    if (!src.enabled) continue;
    const std::string path = "sources[" + std::to_string(i) + "].options";
    if (src.channel == "zalo") {
      if (auto o = zalo::parse_api_options(src.options, src.id, path)) s.zalo.emplace(src.id, std::move(*o));
    } else if (src.channel == "facebook_messenger" || src.channel == "facebook_lead_ads") {
      if (auto o = graph::parse_api_options(src.options, src.id, path)) s.facebook.emplace(src.id, std::move(*o));
    }
  }
  return s;
}

}  // namespace lg::provider_apis
