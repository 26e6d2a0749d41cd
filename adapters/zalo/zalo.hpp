// Zalo Official Account webhook (reference/channels.md §1): the X-ZEvent-Signature check and
// the parser that turns one event into a lead event. POST /v1/hooks/zalo/{source}.
//
// Source options (config "options" of a source with channel "zalo"):
//   app_id         required  the Zalo app whose deliveries this source accepts
//   oa_id          optional  the OA id; accepted in place of app_id in the body, and the scope of
//                            user ids when the event names no OA
//   oa_secret_key  required  secret ({"env":…}): the key of the webhook signature
//   replay_window_s optional 0 = off (default). Zalo retries a failed delivery with the SAME body
//                            for about an hour, so a window shorter than that loses leads; the
//                            idempotency key already makes a replay harmless.
#pragma once

#include "adapters/adapter.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lg::adapters::zalo {

struct options {
  std::string app_id;
  std::string oa_id;
  std::string oa_secret_key;
  std::chrono::seconds replay_window{0};
};

// Reads and validates a source's options; throws config::config_error("<path>.options.x: …").
options parse_options(const nlohmann::json& j, const std::string& path);

// What the parser needs to know about the delivery besides its body.
struct parse_context {
  std::string source;       // config source id
  std::string received_at;  // RFC 3339 UTC with ms
  std::string default_oa;   // scope of user ids when the body names no OA (options.oa_id)
};

// The signature check on the raw body. `header` is the X-ZEvent-Signature value (absent:
// nullopt). `now_ms` is only read when a replay window is set. Errors: unauthorized.
std::expected<void, core::error> verify(const options& opt, std::string_view raw_body,
                                        std::optional<std::string_view> header,
                                        std::int64_t now_ms);

// Parses an authentic body: never fails, never throws. A body it cannot understand comes back
// with quarantine_reason set; events that carry nothing to record count in `ignored`.
adapter_output parse(std::string_view raw_body, const parse_context& ctx);

class adapter final : public inbound_adapter {
 public:
  using clock_fn = std::function<std::int64_t()>;  // epoch ms; injectable for tests
  adapter(std::string source_id, options opt, clock_fn now = {});
  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override;

 private:
  std::string source_id_;
  options opt_;
  clock_fn now_;
};

}  // namespace lg::adapters::zalo
