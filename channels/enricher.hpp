// Enrichment behind the stream: an accepted event the adapter marked extra.needs_fetch is
// completed from the provider's API before identity resolution, by the processing worker:
//   "zalo_profile"   a Zalo touch with only a user id: GET /v3.0/oa/user/detail (display name,
//                    shared name/phone/address), with the source's OA token (token_manager)
//   "facebook_lead"  a Lead Ads leadgen change: GET /{leadgen_id} (field_data mapped by config)
//   "facebook_profile" a Messenger touch: GET /{PSID}?fields=first_name,last_name,name, the
//                    sender's name when the event has none (the User Profile API)
// Other markers, and sources without API credentials, pass through unchanged. Never on the
// request path. The outcome tells the worker what to do with the stream entry: resolve it
// (done), leave it pending for a later attempt (retry: network, 5xx, throttling, tokens), or
// quarantine it with the reason (failed: the API says the request can never succeed). A
// profile the API will never give is not a failure: the touch resolves without a name.
#pragma once

#include "channels/graph.hpp"
#include "channels/zalo_oa.hpp"
#include "channels/zalo_tokens.hpp"
#include "config/config.hpp"
#include "core/asio.hpp"
#include "core/lead_event.hpp"
#include "store/redis_client.hpp"
#include "webhooks/http_client.hpp"

#include <atomic>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <string>

namespace lg::channels {

struct enrich_outcome {
  enum status_t { done, retry, failed };
  status_t status = done;
  std::string reason;  // retry/failed: why (no tokens, no personal data)
};

struct enrich_settings {
  std::string tenant = "default";
  std::map<std::string, zalo::api_options, std::less<>> zalo;       // by source id
  std::map<std::string, graph::api_options, std::less<>> facebook;  // by source id
  bool empty() const noexcept { return zalo.empty() && facebook.empty(); }
};

// The API settings of every enabled zalo / facebook source that has credentials. Throws
// config::config_error naming "sources[i].options.x" (startup only).
enrich_settings make_enrich_settings(const config::config& cfg);

struct enrich_stats {
  std::atomic<std::uint64_t> fetched{0};
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> failures{0};
};

// One per io_context (it owns HTTP clients that are not thread-safe). `redis` must outlive it.
class enricher {
 public:
  enricher(asio::any_io_executor ex, store::redis_client& redis, std::shared_ptr<const enrich_settings> settings);
  ~enricher();
  enricher(const enricher&) = delete;
  enricher& operator=(const enricher&) = delete;

  // Completes `e` in place (and removes its needs_fetch marker) when the outcome is done.
  awaitable<enrich_outcome> async_enrich(core::lead_event& e);

  const enrich_stats& stats() const noexcept { return stats_; }
  // The token manager of a Zalo source (tests), or nullptr.
  zalo::token_manager* tokens(std::string_view source);

 private:
  awaitable<enrich_outcome> zalo_profile(core::lead_event& e, const zalo::api_options& api);
  awaitable<enrich_outcome> facebook_lead(core::lead_event& e, const graph::api_options& api);
  awaitable<enrich_outcome> facebook_profile(core::lead_event& e, const graph::api_options& api);
  webhooks::http_client& client_for(const std::string& ca_file);
  // A Graph API GET with the Page token in a header; a network error is the retry outcome.
  awaitable<std::expected<webhooks::http_response, enrich_outcome>> graph_get(const graph::api_options& api,
                                                                              std::string url);
  // The event is complete: its marker goes, and it counts as fetched.
  enrich_outcome fetched(core::lead_event& e);

  asio::any_io_executor ex_;
  store::redis_client& redis_;
  std::shared_ptr<const enrich_settings> settings_;
  std::map<std::string, std::unique_ptr<webhooks::http_client>> clients_;  // by extra CA file
  std::map<std::string, std::unique_ptr<zalo::token_manager>, std::less<>> tokens_;
  enrich_stats stats_;
};

// An HTTP GET with the API's bounds. Shared by the enricher and the Lead Ads poller.
webhooks::http_request api_get(std::string url, std::chrono::milliseconds timeout);

}  // namespace lg::channels
