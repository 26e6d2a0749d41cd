// See webhook_connector.hpp.
#include "webhooks/connectors/webhook/webhook_connector.hpp"

#include <nlohmann/json.hpp>

namespace lg::webhooks {

std::expected<std::unique_ptr<webhook_connector>, core::error> webhook_connector::create(
    asio::any_io_executor executor, webhook_connector_options options) {
  std::vector<signing_key> keys;
  for (std::size_t i = 0; i < options.secrets.size(); ++i) {
    auto k = decode_secret(options.secrets[i]);
    if (!k) {
      return std::unexpected(core::make_error(core::errc::invalid_field, "secret " + std::to_string(i) +
                                                                             " is not a whsec_ secret",
                                              "secrets[" + std::to_string(i) + "]"));
    }
    keys.push_back(std::move(*k));
  }
  if (keys.empty()) return std::unexpected(core::make_error(core::errc::missing_field, "no secret", "secrets"));
  return std::unique_ptr<webhook_connector>(new webhook_connector(std::move(executor), std::move(options), std::move(keys)));
}

webhook_connector::webhook_connector(asio::any_io_executor executor, webhook_connector_options options,
                                     std::vector<signing_key> keys)
    : options_(std::move(options)), keys_(std::move(keys)),
      client_(std::make_unique<net::http_client>(std::move(executor), options_.http)) {}

awaitable<attempt_result> webhook_connector::async_deliver(const delivery_item& item) {
  const auto now = std::chrono::system_clock::now();
  // A data field that is not JSON (it always is, the fan-out writes it) travels as a string.
  auto data = nlohmann::json::parse(item.data, nullptr, false);
  if (data.is_discarded()) data = item.data;
  const std::string body =
      build_payload(item.type, std::chrono::system_clock::time_point(std::chrono::milliseconds(item.at_ms)), data);
  const auto h = make_headers(keys_, item.id, now, body);

  net::http_request req;
  req.method = boost::beast::http::verb::post;
  req.url = options_.url;
  req.headers = {{"content-type", "application/json"},
                 {std::string(header_webhook_id), h.id},
                 {std::string(header_webhook_timestamp), h.timestamp},
                 {std::string(header_webhook_signature), h.signature}};
  req.body = body;
  req.total_timeout = options_.timeout;
  req.read_timeout = options_.timeout;
  req.connect_timeout = std::min(options_.timeout, std::chrono::milliseconds(5000));
  req.body_limit = 64 * 1024;  // a receiver's reply is only kept for dead letters
  auto reply = co_await client_->async_request(std::move(req));
  co_return classify(reply, std::chrono::system_clock::now());
}

}  // namespace lg::webhooks
