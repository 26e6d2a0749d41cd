// The `sugarcrm` destination type, push side: one outbox entry (a lead given to a member) →
// the contact's Lead in SugarCRM/DotB. DotB (REST ≤ 11.3) has no upsert, so the record is found
// by the CRM id leadgate stored for the contact (lg:{t}:sync:<d>:ids), else by phone_mobile,
// else by email, then updated (PUT) or created (POST). On an update a CRM-owned field (status,
// assigned user) is written only while the CRM's value is empty or still what leadgate last
// wrote there (decide_update in sugarcrm_mapping.hpp); when leadgate would change such a field,
// the record's current values are read first. Once the CRM accepted a write, the link (contact ↔
// record, the ext:<d>:<id> identity key, the fingerprint of what was written, the lead, the
// CRM-owned values written) is stored in one step (store/sync_state.hpp).
// Replies: 2xx delivered; 4xx other than 408/429 permanent (the reply goes to the dead
// letters); 5xx, timeouts, a failed login and a malformed 2xx reply: retry.
#pragma once

#include "store/redis_client.hpp"
#include "webhooks/connector.hpp"
#include "webhooks/connectors/sugarcrm/sugarcrm_client.hpp"

#include <memory>

#include <nlohmann/json.hpp>

namespace lg::webhooks::sugarcrm {

class connector final : public webhooks::connector {
 public:
  connector(std::shared_ptr<client> session, std::shared_ptr<store::redis_client> redis);

  awaitable<attempt_result> async_deliver(const delivery_item& item) override;

 private:
  // The Lead matching `field` = `value` (its id and CRM-owned fields), null when none; an error
  // result on failure.
  awaitable<std::expected<nlohmann::json, attempt_result>> async_find(std::string field, std::string value);
  // The record's id and CRM-owned fields as the CRM has them now; null when it was deleted.
  awaitable<std::expected<nlohmann::json, attempt_result>> async_read(const std::string& record_id);
  std::string owned_fields_query() const;  // fields=id,<the CRM-owned fields>

  std::shared_ptr<client> session_;
  std::shared_ptr<store::redis_client> redis_;
};

}  // namespace lg::webhooks::sugarcrm
