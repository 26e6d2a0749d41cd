// The fixture of the sugarcrm destination tests: tests/support/fake_sugarcrm.hpp and a real
// Redis; contacts are made by resolve.lua and leads given by assign.lua, as in production; pushes
// go through the connector, pulls through the poller. The definitions live in
// sugarcrm_harness.cpp (built once, in lg_integration_support).
#pragma once

#include "store/assignments.hpp"
#include "store/contacts.hpp"
#include "store/keys.hpp"
#include "store/sync_state.hpp"
#include "support/fake_sugarcrm.hpp"
#include "delivery_harness.hpp"
#include "webhooks/connectors/sugarcrm/sugarcrm_destination.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace lg::test {

namespace sg = webhooks::sugarcrm;

class sugarcrm_test : public delivery_test {
 protected:
  void SetUp() override;

  // Team hn: m1 (CRM user crm-user-7) and m2 (crm-user-8), round robin, `capacity` each (0: none).
  void seed_team(int capacity);

  // The instant assignments are made at, plus `minutes` (a Monday, 10:00 in the tenant's zone).
  static store::clock_point at(int minutes);

  // The SLA sweep `minutes` after the assignments.
  store::sweep_result sweep(int minutes);

  store::assign_options assign_opts() const;

  void run(std::function<awaitable<void>()> body);

  // A contact made the way the processing worker makes it; returns its id.
  std::string contact(const std::string& event_id, const std::string& name, const std::string& phone,
                      const std::string& email = {});

  // Gives lead `event_id` of `contact_id` to team hn (round robin) and returns the outbox entry
  // it wrote as the delivery engine hands it to a connector.
  // (given=false: the lead is expected to wait, writing no outbox entry.)
  // With sla_minutes, the lead is re-assigned by a sweep() past that.
  webhooks::delivery_item assign(const std::string& event_id, const std::string& contact_id, bool given = true,
                                 int sla_minutes = 0);

  // The newest outbox entry as the delivery engine hands it to a connector (its type from the
  // entry's `type`, else lead.assigned as for an assignment's `kind`).
  webhooks::delivery_item newest_outbox_item();

  sg::options crm_options(const fake_sugarcrm& crm) const;

  webhooks::attempt_result deliver(sg::destination_parts& d, const webhooks::delivery_item& item);

  sg::pull_stats pull(sg::destination_parts& d);

  // A contact (made as contact() makes it) whose lead `event_id` was given to team hn and
  // written to the CRM; record_of() gives its CRM record.
  std::string synced(sg::destination_parts& d, const std::string& event_id, const std::string& name,
                     const std::string& phone, const std::string& email = {});

  sg::destination_parts parts(const fake_sugarcrm& crm);

  // `n` people (events form:<tag><i>, names and phones the stems + i) whose leads were
  // delivered to the CRM: their contact ids in `contacts`, CRM record ids in `ids` (only the
  // delivered ones: check the count). Then one pull, so the cursor is past leadgate's own
  // writes, and the CRM's clock stops at the second returned: every later edit ties on it.
  std::int64_t synced_then_frozen(fake_sugarcrm& crm, sg::destination_parts& d, const std::string& tag,
                                  const std::string& name, const std::string& phone, int n,
                                  std::vector<std::string>& contacts, std::vector<std::string>& ids);

  // The CRM as a delivery pool's two-way destination "crm" (pulls every 10 minutes, or poked).
  config::destination_config two_way_crm(const fake_sugarcrm& crm) const;

  // HGET key field: "" when absent (or Redis failed).
  std::string hget(const std::string& key, const std::string& field);

  std::string record_of(const std::string& contact_id);

  // The contact's timeline entries of kind "crm".
  std::vector<nlohmann::json> crm_entries(const std::string& contact_id);
};

}  // namespace lg::test
