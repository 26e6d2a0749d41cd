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
// profile the API will never give is not a provider_apis::failure: the touch resolves without a name.
#pragma once

#include "provider_apis/settings.hpp"
#include "provider_apis/zalo_tokens.hpp"
#include "core/asio.hpp"
#include "core/lead_event.hpp"
#include "store/redis_client.hpp"
#include "http/client.hpp"

#include <atomic>
#include <cstdint>
#include <expected>
#include <map>
#include <memory>
#include <string>

namespace lg::pipeline {

struct enrich_outcome {
  enum status_t { done, retry, failed };
  status_t status = done;
  std::string reason;  // retry/failed: why (no tokens, no personal data)
};

struct enrich_stats {
  std::atomic<std::uint64_t> fetched{0};
  std::atomic<std::uint64_t> retries{0};
  std::atomic<std::uint64_t> failures{0};
};

// One per io_context (it owns HTTP clients that are not thread-safe). `redis` must outlive it.
class enrich_stage {
 public:
  enrich_stage(asio::any_io_executor ex, store::redis_client& redis, std::shared_ptr<const provider_apis::api_settings> settings);
  ~enrich_stage();
  enrich_stage(const enrich_stage&) = delete;
  enrich_stage& operator=(const enrich_stage&) = delete;

  // Completes `e` in place (and removes its needs_fetch marker) when the outcome is done.
  awaitable<enrich_outcome> async_enrich(core::lead_event& e);

  const enrich_stats& stats() const noexcept { return stats_; }
  // The token manager of a Zalo source (tests), or nullptr.
  provider_apis::zalo::token_manager* tokens(std::string_view source);

 private:
  awaitable<enrich_outcome> zalo_profile(core::lead_event& e, const provider_apis::zalo::api_options& api);
  awaitable<enrich_outcome> facebook_lead(core::lead_event& e, const provider_apis::graph::api_options& api);
  awaitable<enrich_outcome> facebook_profile(core::lead_event& e, const provider_apis::graph::api_options& api);
  net::http_client& client_for(const std::string& ca_file);
  // A Graph API GET with the Page token in a header; a network error is the retry outcome.
  awaitable<std::expected<net::http_response, enrich_outcome>> graph_get(const provider_apis::graph::api_options& api,
                                                                              std::string url);
  // The event is complete: its marker goes, and it counts as fetched.
  enrich_outcome fetched(core::lead_event& e);

  asio::any_io_executor ex_;
  store::redis_client& redis_;
  std::shared_ptr<const provider_apis::api_settings> settings_;
  std::map<std::string, std::unique_ptr<net::http_client>> clients_;  // by extra CA file
  std::map<std::string, std::unique_ptr<provider_apis::zalo::token_manager>, std::less<>> tokens_;
  enrich_stats stats_;
};

}  // namespace lg::pipeline
