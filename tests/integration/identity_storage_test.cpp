// How resolve.lua stores contacts: the first touch inside the contact hash (no list), the
// list from the second touch on, merges interleaving both timelines by time, the identity
// index in bucketed hashes repointed to the survivor (resolve.lua's bucket function agrees with
// store::identity_bucket), and the timeline cap.
#include "identity_harness.hpp"

namespace lg::test {
namespace {

core::lead_event storage_event(const std::string& id, int minute) {
  char at[32];
  std::snprintf(at, sizeof(at), "2026-11-22T03:%02d:00Z", minute);
  auto e = web_form_event("st:" + id, "ld_" + id, "Lê Văn Nam", at);
  e.message = "hỏi lịch khai giảng";
  return e;
}

void run_all(blocking_redis& r, const std::string& tenant, std::vector<core::lead_event> evs,
             pipeline::resolve_stage_options opts) {
  for (const auto& e : evs) {
    r.exec(xadd_command(tenant, e));
    worker_thread w(opts);  // one at a time: the order of the touches is known
    ASSERT_TRUE(wait_drained(r, tenant));
  }
}

std::vector<std::string> leads_of(const std::vector<nlohmann::json>& tl) {
  std::vector<std::string> out;
  for (const auto& j : tl) out.push_back(j.at("k").get<std::string>() + ":" + j.value("lead", ""));
  return out;
}

TEST(IdentityStorage, FirstTouchInTheHashThenTheList) {
  const std::string tenant = fresh_tenant("store1");
  blocking_redis r;
  const std::string pfx = store::keys::prefix(tenant);
  auto a = storage_event("a", 1);
  a.contact.phones = {"+84913000001"};
  run_all(r, tenant, {a}, test_worker_options(tenant));
  const std::string id = r.find_contact(tenant, "phone:+84913000001");
  ASSERT_EQ(id, "c_1");
  EXPECT_EQ(r.exec({"EXISTS", pfx + "tl:" + id}).integer, 0);
  EXPECT_EQ(r.exec({"HEXISTS", pfx + "c:" + id, "h"}).integer, 1);
  EXPECT_EQ(r.exec({"OBJECT", "ENCODING", pfx + "c:" + id}).str, "listpack");
  auto tl = r.timeline(tenant, id);
  ASSERT_EQ(tl.size(), 1u);
  EXPECT_EQ(tl[0]["lead"], "ld_a");
  EXPECT_EQ(tl[0]["msg"], "hỏi lịch khai giảng");
  EXPECT_EQ(tl[0]["ch"], "web_form");

  auto b = storage_event("b", 2);
  b.contact.phones = {"+84913000001"};
  run_all(r, tenant, {b}, test_worker_options(tenant));
  EXPECT_EQ(r.exec({"HEXISTS", pfx + "c:" + id, "h"}).integer, 0);
  EXPECT_EQ(r.exec({"LLEN", pfx + "tl:" + id}).integer, 2);
  EXPECT_EQ(leads_of(r.timeline(tenant, id)), (std::vector<std::string>{"touch:ld_b", "touch:ld_a"}));
}

TEST(IdentityStorage, MergeMovesTimelinesAndRepointsTheIndex) {
  const std::string tenant = fresh_tenant("store2");
  blocking_redis r;
  auto a = storage_event("a", 1);
  a.contact.phones = {"+84913000002"};
  auto b = storage_event("b", 2);
  b.chan = core::channel::zalo;
  b.contact.ids = {{"zalo", "777"}, {"zalo_oa", "oa1"}};
  auto b2 = storage_event("b2", 3);
  b2.chan = core::channel::zalo;
  b2.contact.ids = {{"zalo", "777"}, {"zalo_oa", "oa1"}};
  auto both = storage_event("both", 4);
  both.contact.phones = {"+84913000002"};
  both.contact.ids = {{"zalo", "777"}, {"zalo_oa", "oa1"}};
  run_all(r, tenant, {a, b, b2, both}, test_worker_options(tenant));
  const std::string pfx = store::keys::prefix(tenant);
  EXPECT_EQ(r.find_contact(tenant, "phone:+84913000002"), "c_1");
  // The Zalo key points to the survivor's number itself, not through the alias.
  EXPECT_EQ(r.exec({"HGET", store::identity_index_key(tenant, "zalo:oa1:777"), "zalo:oa1:777"}).str, "1");
  EXPECT_EQ(r.exec({"GET", pfx + "alias:c_2"}).str, "c_1");
  EXPECT_EQ(r.exec({"EXISTS", pfx + "c:c_2"}).integer, 0);
  EXPECT_EQ(r.exec({"EXISTS", pfx + "tl:c_2"}).integer, 0);
  EXPECT_EQ(r.exec({"HEXISTS", pfx + "c:c_1", "h"}).integer, 0);
  EXPECT_EQ(leads_of(r.timeline(tenant, "c_1")),
            (std::vector<std::string>{"touch:ld_both", "merge:ld_both", "touch:ld_b2", "touch:ld_b",
                                      "touch:ld_a"}));
}

TEST(IdentityStorage, TimelineStaysWithinItsCap) {
  const std::string tenant = fresh_tenant("store3");
  blocking_redis r;
  auto opts = test_worker_options(tenant);
  opts.resolve.timeline_cap = 3;
  std::vector<core::lead_event> evs;
  for (int i = 0; i < 6; ++i) {
    auto e = storage_event("t" + std::to_string(i), i);
    e.contact.phones = {"+84913000003"};
    evs.push_back(std::move(e));
  }
  run_all(r, tenant, evs, opts);
  EXPECT_EQ(leads_of(r.timeline(tenant, "c_1")),
            (std::vector<std::string>{"touch:ld_t5", "touch:ld_t4", "touch:ld_t3"}));
}

TEST(IdentityStorage, LongMessageGoesStraightToTheList) {
  const std::string tenant = fresh_tenant("store4");
  blocking_redis r;
  auto e = storage_event("long", 1);
  e.contact.phones = {"+84913000004"};
  e.message = std::string(150, 'm');  // over a listpack value: the hash must stay small
  run_all(r, tenant, {e}, test_worker_options(tenant));
  const std::string pfx = store::keys::prefix(tenant);
  EXPECT_EQ(r.exec({"HEXISTS", pfx + "c:c_1", "h"}).integer, 0);
  EXPECT_EQ(r.exec({"OBJECT", "ENCODING", pfx + "c:c_1"}).str, "listpack");
  auto tl = r.timeline(tenant, "c_1");
  ASSERT_EQ(tl.size(), 1u);
  EXPECT_EQ(tl[0]["msg"].get<std::string>().size(), 150u);
}

}  // namespace
}  // namespace lg::test
