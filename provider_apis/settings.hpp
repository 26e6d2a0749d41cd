// The provider API settings of a config: for every enabled Zalo and Facebook source that has
// credentials, its Zalo OA or Graph API options (the enrich stage and the Lead Ads poller read
// them), and the bounded GET those APIs are called with.
#pragma once

#include "config/config.hpp"
#include "http/client.hpp"
#include "provider_apis/graph.hpp"
#include "provider_apis/zalo_oa.hpp"

#include <chrono>
#include <map>
#include <string>

namespace lg::provider_apis {

struct api_settings {
  std::string tenant = "default";
  std::map<std::string, zalo::api_options, std::less<>> zalo;       // by source id
  std::map<std::string, graph::api_options, std::less<>> facebook;  // by source id
  bool empty() const noexcept { return zalo.empty() && facebook.empty(); }
};

// Throws config::config_error naming "sources[i].options.x" (startup only).
api_settings make_api_settings(const config::config& cfg);

// An HTTP GET with the API's bounds (one timeout for connect, read and the whole call; 1 MiB).
net::http_request api_get(std::string url, std::chrono::milliseconds timeout);

}  // namespace lg::provider_apis
