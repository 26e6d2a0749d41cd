// See sugarcrm_connector.hpp.
#include "webhooks/connectors/sugarcrm/sugarcrm_connector.hpp"
#include "core/percent.hpp"

#include "store/contacts.hpp"
#include "store/sync_state.hpp"
#include "webhooks/connectors/sugarcrm/sugarcrm_mapping.hpp"
#include "http/url.hpp"

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

std::string connector::owned_fields_query() const {
  std::string fields = "id";
  for (const auto& f : owned_crm_fields(session_->settings())) fields += "," + core::percent_encode(f);
  return "fields=" + fields;
}

awaitable<std::expected<nlohmann::json, attempt_result>> connector::async_find(std::string field, std::string value) {
  const auto& o = session_->settings();
  std::string path = o.module + "?filter%5B0%5D%5B" + core::percent_encode(field) + "%5D%5B%24equals%5D=" +
                     core::percent_encode(value) + "&" + owned_fields_query() + "&max_num=2";
  auto reply = co_await session_->async_call(http::verb::get, std::move(path), std::string());
  if (!reply) co_return std::unexpected(retry_with("search: " + reply.error().message));
  if (reply->status / 100 != 2) co_return std::unexpected(classify(reply, std::chrono::system_clock::now()));
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (!j.is_object() || !j.contains("records") || !j["records"].is_array())
    co_return std::unexpected(retry_with("search: malformed reply (no records array)"));
  for (auto& r : j["records"])
    if (!string_member(r, "id").empty()) co_return std::move(r);
  co_return nlohmann::json();
}

awaitable<std::expected<nlohmann::json, attempt_result>> connector::async_read(const std::string& record_id) {
  const auto& o = session_->settings();
  auto reply = co_await session_->async_call(http::verb::get,
                                             o.module + "/" + core::percent_encode(record_id) + "?" + owned_fields_query(),
                                             std::string());
  if (!reply) co_return std::unexpected(retry_with("read: " + reply.error().message));
  if (reply->status == 404) co_return nlohmann::json();  // deleted in the CRM since
  if (reply->status / 100 != 2) co_return std::unexpected(classify(reply, std::chrono::system_clock::now()));
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (!j.is_object()) co_return std::unexpected(retry_with("read: malformed reply (not a record)"));
  co_return j;
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
  const auto desired = build_record(o, c, event);

  // Where does this contact live in the CRM? The stored id, else a phone or email match.
  std::string record_id;
  nlohmann::json last_written = nlohmann::json::object();  // of record_id's CRM-owned fields
  auto stored = co_await store::async_sync_record(*redis_, o.tenant, o.destination, live_id);
  if (!stored) co_return retry_with("redis: " + stored.error().message);
  if (*stored) {
    record_id = (*stored)->id;
    last_written = nlohmann::json::parse((*stored)->owned, nullptr, false);
  }

  std::expected<net::http_response, core::error> reply;
  nlohmann::json sent;
  if (!record_id.empty()) {
    auto plan = decide_update(o, desired, last_written, nullptr);
    if (plan.needs_crm_values) {
      auto now = co_await async_read(record_id);
      if (!now) co_return now.error();
      if (now->is_null()) record_id.clear();
      else plan = decide_update(o, desired, last_written, &*now);
    }
    if (!record_id.empty()) {
      sent = std::move(plan.body);
      reply = co_await session_->async_call(http::verb::put, o.module + "/" + core::percent_encode(record_id), sent.dump());
      // Deleted in the CRM since: found again (or created) below.
      if (reply && reply->status == 404) record_id.clear();
    }
  }
  if (record_id.empty()) {
    // A record leadgate did not write (or one it lost): what leadgate last wrote is unknown, so
    // a CRM-owned field is written only where the CRM's is empty.
    last_written = nlohmann::json::object();
    nlohmann::json found;
    const auto phone = string_member(desired, o.crm_field("phone"));
    if (!phone.empty()) {
      auto r = co_await async_find(o.crm_field("phone"), phone);
      if (!r) co_return r.error();
      found = std::move(*r);
    }
    if (found.is_null() && c.contains("emails") && c["emails"].is_array()) {
      for (const auto& e : c["emails"]) {
        const auto address = string_member(e, "value");
        if (address.empty()) continue;
        auto r = co_await async_find("email", address);
        if (!r) co_return r.error();
        found = std::move(*r);
        if (!found.is_null()) break;
      }
    }
    if (found.is_null()) {
      sent = desired;
      reply = co_await session_->async_call(http::verb::post, o.module, sent.dump());
    } else {
      record_id = string_member(found, "id");
      sent = decide_update(o, desired, last_written, &found).body;
      reply = co_await session_->async_call(http::verb::put, o.module + "/" + core::percent_encode(record_id), sent.dump());
    }
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
  link.owned = owned_after_write(o, sent, std::move(last_written)).dump();
  auto linked = co_await store::async_sync_link(*redis_, o.tenant, o.destination, std::move(link));
  // The CRM has the write; without the link the next attempt finds the record by phone again.
  if (!linked) co_return retry_with("redis: " + linked.error().message);
  co_return result;
}

}  // namespace lg::webhooks::sugarcrm
