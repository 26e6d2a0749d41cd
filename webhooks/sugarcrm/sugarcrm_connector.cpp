// See sugarcrm_connector.hpp.
#include "webhooks/sugarcrm/sugarcrm_connector.hpp"

#include "store/contacts.hpp"
#include "store/sync_state.hpp"
#include "webhooks/sugarcrm/sugarcrm_mapping.hpp"
#include "webhooks/http_url.hpp"

#include <nlohmann/json.hpp>

namespace lg::webhooks::sugarcrm {

namespace http = boost::beast::http;

namespace {

attempt_result retry_with(std::string error) {
  attempt_result r;
  r.kind = attempt_kind::retry;
  r.error = std::move(error);
  return r;
}

attempt_result permanent_with(std::string error) {
  attempt_result r;
  r.kind = attempt_kind::permanent;
  r.error = std::move(error);
  return r;
}

}  // namespace

connector::connector(std::shared_ptr<client> session, std::shared_ptr<store::redis_client> redis)
    : session_(std::move(session)), redis_(std::move(redis)) {}

awaitable<std::expected<std::string, attempt_result>> connector::async_find(std::string field, std::string value) {
  const auto& o = session_->settings();
  std::string path = o.module + "?filter%5B0%5D%5B" + percent_encode(field) + "%5D%5B%24equals%5D=" +
                     percent_encode(value) + "&fields=id&max_num=2";
  auto reply = co_await session_->async_call(http::verb::get, std::move(path), std::string());
  if (!reply) co_return std::unexpected(retry_with("search: " + reply.error().message));
  if (reply->status / 100 != 2) co_return std::unexpected(classify(reply, std::chrono::system_clock::now()));
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (!j.is_object() || !j.contains("records") || !j["records"].is_array())
    co_return std::unexpected(retry_with("search: malformed reply (no records array)"));
  for (const auto& r : j["records"]) {
    auto id = string_member(r, "id");
    if (!id.empty()) co_return id;
  }
  co_return std::string();
}

awaitable<attempt_result> connector::async_deliver(const delivery_item& item) {
  const auto& o = session_->settings();
  auto event = nlohmann::json::parse(item.data, nullptr, false);
  if (!event.is_object()) co_return permanent_with("the entry's data is not a JSON object");
  const auto contact_id = string_member(event, "contact_id");
  if (contact_id.empty()) co_return permanent_with("the entry has no contact_id: nothing to write to a Lead");

  auto contact = co_await store::async_get_contact(*redis_, o.tenant, contact_id, 20);
  if (!contact) co_return retry_with("redis: " + contact.error().message);
  if (!*contact) co_return permanent_with("contact " + contact_id + " does not exist");
  const auto& c = **contact;
  const auto live_id = string_member(c, "id").empty() ? contact_id : string_member(c, "id");

  // Where does this contact live in the CRM? The stored id, else a phone or email match.
  std::string record_id;
  auto stored = co_await store::async_sync_record_id(*redis_, o.tenant, o.destination, live_id);
  if (!stored) co_return retry_with("redis: " + stored.error().message);
  if (*stored) record_id = **stored;

  std::expected<http_response, core::error> reply;
  if (!record_id.empty()) {
    auto body = build_record(o, c, event, false).dump();
    reply = co_await session_->async_call(http::verb::put, o.module + "/" + percent_encode(record_id), std::move(body));
    // Deleted in the CRM since: found again (or created) below.
    if (reply && reply->status == 404) record_id.clear();
  }
  if (record_id.empty()) {
    const auto phone = string_member(build_record(o, c, event, true), o.crm_field("phone"));
    if (!phone.empty()) {
      auto found = co_await async_find(o.crm_field("phone"), phone);
      if (!found) co_return found.error();
      record_id = *found;
    }
    if (record_id.empty() && c.contains("emails") && c["emails"].is_array()) {
      for (const auto& e : c["emails"]) {
        const auto address = string_member(e, "value");
        if (address.empty()) continue;
        auto found = co_await async_find("email", address);
        if (!found) co_return found.error();
        record_id = *found;
        if (!record_id.empty()) break;
      }
    }
    const bool create = record_id.empty();
    auto body = build_record(o, c, event, create).dump();
    std::string path = create ? o.module : o.module + "/" + percent_encode(record_id);
    reply = co_await session_->async_call(create ? http::verb::post : http::verb::put, std::move(path),
                                          std::move(body));
  }

  auto result = classify(reply, std::chrono::system_clock::now());
  if (result.kind != attempt_kind::delivered) co_return result;

  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  const auto written_id = string_member(j, "id");
  if (written_id.empty()) {
    result = retry_with("the CRM answered " + std::to_string(reply->status) + " without a record id");
    result.status = reply->status;
    result.reply = reply->body.substr(0, reply_keep);
    co_return result;
  }
  store::sync_link link;
  link.contact_id = live_id;
  link.record_id = written_id;
  link.fingerprint = fingerprint(o, j);
  link.event_id = string_member(event, "event");
  link.modified_user = o.integration_user_id.empty() ? string_member(j, "modified_user_id") : o.integration_user_id;
  auto linked = co_await store::async_sync_link(*redis_, o.tenant, o.destination, std::move(link));
  // The CRM has the write; without the link the next attempt finds the record by phone again.
  if (!linked) co_return retry_with("redis: " + linked.error().message);
  co_return result;
}

}  // namespace lg::webhooks::sugarcrm
