// The `sugarcrm` destination type, push side: one outbox entry (a lead given to a member) →
// the contact's Lead in SugarCRM/DotB. DotB (REST ≤ 11.3) has no upsert, so the record is found
// by the CRM id leadgate stored for the contact (lg:{t}:sync:<d>:ids), else by phone_mobile,
// else by email, then updated (PUT, CRM-owned fields left out) or created (POST). Once the CRM
// accepted a write, the link (contact ↔ record, the ext:<d>:<id> identity key, the fingerprint
// of what was written, the lead) is stored in one step (store/sync_state.hpp).
// Replies: 2xx delivered; 4xx other than 408/429 permanent (the reply goes to the dead
// letters); 5xx, timeouts, a failed login and a malformed 2xx reply: retry.
#pragma once

#include "store/redis_client.hpp"
#include "webhooks/connector.hpp"
#include "webhooks/sugarcrm/sugarcrm_client.hpp"

#include <memory>

namespace lg::webhooks::sugarcrm {

class connector final : public webhooks::connector {
 public:
  connector(std::shared_ptr<client> session, std::shared_ptr<store::redis_client> redis);

  awaitable<attempt_result> async_deliver(const delivery_item& item) override;

 private:
  // The id of the Lead matching `field` = `value`, "" when none; an error result on failure.
  awaitable<std::expected<std::string, attempt_result>> async_find(std::string field, std::string value);

  std::shared_ptr<client> session_;
  std::shared_ptr<store::redis_client> redis_;
};

}  // namespace lg::webhooks::sugarcrm
