// The `webhook` destination type: POSTs the Standard Webhooks payload {type, timestamp, data}
// to the configured URL, signed with every configured secret (webhook-id = the delivery id,
// webhook-timestamp = this attempt, webhook-signature = "v1,…" per secret), over its own
// net::http_client (its own keep-alive pool: a slow destination never holds another's connections).
#pragma once

#include "webhooks/connector.hpp"
#include "http/client.hpp"
#include "webhooks/standard_webhooks.hpp"

#include <chrono>
#include <expected>
#include <memory>
#include <string>
#include <vector>

namespace lg::webhooks {

struct webhook_connector_options {
  std::string url;
  std::vector<std::string> secrets;  // "whsec_…"
  std::chrono::milliseconds timeout{10000};  // total, per attempt
  net::http_client_options http;
};

class webhook_connector final : public connector {
 public:
  // Fails (invalid_field, naming the secret's index) when a secret does not decode.
  static std::expected<std::unique_ptr<webhook_connector>, core::error> create(asio::any_io_executor executor,
                                                                               webhook_connector_options options);

  awaitable<attempt_result> async_deliver(const delivery_item& item) override;

  const net::http_client& client() const noexcept { return *client_; }

 private:
  webhook_connector(asio::any_io_executor executor, webhook_connector_options options, std::vector<signing_key> keys);
  webhook_connector_options options_;
  std::vector<signing_key> keys_;
  std::unique_ptr<net::http_client> client_;
};

}  // namespace lg::webhooks
