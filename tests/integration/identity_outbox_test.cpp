// The sync side hears of contact changes from resolve.lua itself, in the same script call as
// the change: contact.created for a new contact, contact.updated when a field changed or
// contacts merged, nothing for a touch that changed no field. A full outbox (delivery far
// behind) refuses the event before any write; it stays pending and goes through once the
// fan-out has caught up — never dropped, never quarantined.
#include "identity_harness.hpp"

namespace lg::test {
namespace {

core::lead_event outbox_event(const std::string& id) { return web_form_event("ob:" + id, "ld_" + id, "Trần Minh Khoa"); }

void run_one(blocking_redis& r, const std::string& tenant, const core::lead_event& e,
             const pipeline::resolve_stage_options& opts) {
  r.exec(xadd_command(tenant, e));
  worker_thread w(opts);
  ASSERT_TRUE(wait_drained(r, tenant));
}

// The outbox entries as field maps, oldest first.
std::vector<std::map<std::string, std::string>> outbox(blocking_redis& r, const std::string& tenant) {
  std::vector<std::map<std::string, std::string>> out;
  const auto x = r.exec({"XRANGE", store::keys::outbox(tenant), "-", "+"});
  for (const auto& e : x.elements) {
    std::map<std::string, std::string> f;
    const auto& kv = e.elements[1].elements;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) f[kv[i].str] = kv[i + 1].str;
    out.push_back(std::move(f));
  }
  return out;
}

// Whether the outbox entry `e` announces a `type` change of contact `contact_id`.
::testing::AssertionResult is_change(const std::map<std::string, std::string>& e, const std::string& type,
                                     const std::string& contact_id) {
  const auto field = [&](const std::string& k) {
    const auto it = e.find(k);
    return it == e.end() ? std::string() : it->second;
  };
  if (field("type") == type && field("contact_id") == contact_id) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "the entry is " << field("type") << " of " << field("contact_id")
                                       << ", not " << type << " of " << contact_id;
}

TEST(IdentityOutbox, ChangesWriteOneEntryTouchesNone) {
  const std::string tenant = fresh_tenant("obx1");
  blocking_redis r;
  const auto opts = test_worker_options(tenant);

  auto a = outbox_event("a");
  a.contact.phones = {"+84914000001"};
  run_one(r, tenant, a, opts);
  auto ob = outbox(r, tenant);
  ASSERT_EQ(ob.size(), 1u);
  EXPECT_TRUE(is_change(ob[0], "contact.created", "c_1"));
  EXPECT_EQ(ob[0]["event"], "ob:a");
  EXPECT_EQ(ob[0]["lead_id"], "ld_a");
  EXPECT_EQ(ob[0]["source"], "web-main");
  EXPECT_EQ(ob[0]["channel"], "web_form");

  // The same person, nothing new: a timeline touch only.
  auto b = outbox_event("b");
  b.contact.phones = {"+84914000001"};
  run_one(r, tenant, b, opts);
  EXPECT_EQ(outbox(r, tenant).size(), 1u);

  // A new email: an update.
  auto c = outbox_event("c");
  c.contact.phones = {"+84914000001"};
  c.contact.emails = {"khoa@example.com"};
  run_one(r, tenant, c, opts);
  ob = outbox(r, tenant);
  ASSERT_EQ(ob.size(), 2u);
  EXPECT_TRUE(is_change(ob[1], "contact.updated", "c_1"));
  EXPECT_EQ(ob[1]["event"], "ob:c");

  // A second contact, then an event naming both: merged into c_1, an update saying so.
  auto d = outbox_event("d");
  d.contact.emails = {"khoa.tran@example.com"};
  d.contact.ids = {{"zalo", "4242"}, {"zalo_oa", "oa1"}};
  d.chan = core::channel::zalo;
  run_one(r, tenant, d, opts);
  auto both = outbox_event("both");
  both.contact.phones = {"+84914000001"};
  both.contact.ids = {{"zalo", "4242"}, {"zalo_oa", "oa1"}};
  both.chan = core::channel::zalo;
  run_one(r, tenant, both, opts);
  ob = outbox(r, tenant);
  ASSERT_EQ(ob.size(), 4u);
  EXPECT_TRUE(is_change(ob[2], "contact.created", "c_2"));
  EXPECT_TRUE(is_change(ob[3], "contact.updated", "c_1"));
  EXPECT_EQ(ob[3]["merged"], "c_2");

  // A redelivered event (done marker) writes nothing again.
  r.exec({"DEL", store::keys::prefix(tenant) + "in"});
  run_one(r, tenant, c, opts);
  EXPECT_EQ(outbox(r, tenant).size(), 4u);
}

TEST(IdentityOutbox, FullOutboxRefusesUntilTheFanoutCatchesUp) {
  const std::string tenant = fresh_tenant("obx2");
  blocking_redis r;
  auto opts = test_worker_options(tenant);
  opts.resolve.outbox_limit = 3;
  for (int i = 0; i < 3; ++i) r.exec({"XADD", store::keys::outbox(tenant), "*", "type", "lead.assigned", "n", "x"});

  auto a = outbox_event("full");
  a.contact.phones = {"+84914000009"};
  r.exec(xadd_command(tenant, a));
  worker_thread w(opts);
  // Refused: no contact, nothing quarantined, the entry pending for a retry.
  ASSERT_TRUE(wait_until(
      [&] {
        const auto p = r.exec({"XPENDING", store::keys::inbound(tenant), "process"});
        return p.is_array() && !p.elements.empty() && p.elements[0].integer == 1;
      },
      std::chrono::seconds(10)));
  EXPECT_EQ(r.find_contact(tenant, "phone:+84914000009"), "");
  EXPECT_EQ(r.exec({"XLEN", store::keys::quarantine(tenant)}).integer, 0);
  EXPECT_EQ(r.exec({"XLEN", store::keys::outbox(tenant)}).integer, 3);

  // The fan-out copied and trimmed what was there: the retry (after claim_idle) goes through.
  r.exec({"XTRIM", store::keys::outbox(tenant), "MAXLEN", "0"});
  ASSERT_TRUE(wait_drained(r, tenant, std::chrono::seconds(15)));
  EXPECT_EQ(r.find_contact(tenant, "phone:+84914000009"), "c_1");
  auto ob = outbox(r, tenant);
  ASSERT_EQ(ob.size(), 1u);
  EXPECT_EQ(ob[0]["type"], "contact.created");
  EXPECT_EQ(r.exec({"XLEN", store::keys::quarantine(tenant)}).integer, 0);
}

}  // namespace
}  // namespace lg::test
