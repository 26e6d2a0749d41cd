// resolve.lua's household rule against core::same_person's table (tests/support/person_pairs.hpp):
// every pair of names posted with one phone, in both orders, through the processing worker.
// One person: one name, no learner. Two people: the second name is the contact's learner.
#include "identity_harness.hpp"
#include "support/person_pairs.hpp"

#include <cstdio>

namespace lg::test {
namespace {

core::lead_event form(const std::string& id, const std::string& name, const std::string& phone) {
  core::lead_event e;
  e.event_id = id;
  e.lead_id = "L-" + id;
  e.source = "website";
  e.chan = core::channel::web_form;
  e.occurred_at = "2026-12-01T03:00:00Z";
  e.contact.full_name = name;
  e.contact.phones = {phone};
  normalize_contact(e);
  return e;
}

std::string phone_of(int order, std::size_t i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "+849%d60%05zu", order + 1, i);
  return buf;
}

TEST(IdentityHousehold, TheScriptFollowsTheTableOfNamePairsInBothOrders) {
  const std::string tenant = fresh_tenant("household");
  blocking_redis r;
  const auto n = std::size(person_pairs);
  // Every first name, then (once resolved) every second one: order 0 posts a before b, order 1
  // b before a.
  for (int step = 0; step < 2; ++step) {
    std::vector<std::vector<std::string>> cmds;
    for (int order = 0; order < 2; ++order) {
      for (std::size_t i = 0; i < n; ++i) {
        const auto& p = person_pairs[i];
        const char* name = (step == 0) == (order == 0) ? p.a : p.b;
        const auto id = "form:" + std::to_string(order) + ":" + std::to_string(i) + ":" + std::to_string(step);
        cmds.push_back(xadd_command(tenant, form(id, name, phone_of(order, i))));
      }
    }
    r.exec_all(std::move(cmds));
    worker_thread w(test_worker_options(tenant));
    ASSERT_TRUE(wait_drained(r, tenant));
  }

  for (int order = 0; order < 2; ++order) {
    for (std::size_t i = 0; i < n; ++i) {
      const auto& p = person_pairs[i];
      const std::string first = order == 0 ? p.a : p.b, second = order == 0 ? p.b : p.a;
      const auto what = first + " then " + second + " (" + p.why + ")";
      const auto id = r.find_contact(tenant, "phone:" + phone_of(order, i));
      ASSERT_FALSE(id.empty()) << what;
      auto h = r.exec({"HGETALL", store::keys::prefix(tenant) + "c:" + id});
      std::vector<std::pair<std::string, std::string>> fields;
      for (std::size_t k = 0; k + 1 < h.elements.size(); k += 2)
        fields.emplace_back(h.elements[k].str, h.elements[k + 1].str);
      const auto c = store::contact_to_json(fields);
      if (p.same) {
        EXPECT_TRUE(c["learners"].empty()) << what << ": " << c.dump();
      } else {
        ASSERT_EQ(c["learners"].size(), 1u) << what << ": " << c.dump();
        EXPECT_EQ(c["learners"][0]["name"], core::normalize_name(second)) << what;
        EXPECT_EQ(c["name"], core::normalize_name(first)) << what;
      }
    }
  }
}

}  // namespace
}  // namespace lg::test
