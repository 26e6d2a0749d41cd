// The sugarcrm destination type against tests/support/fake_sugarcrm.hpp and a real Redis:
// contacts are made by resolve.lua and leads given by assign.lua, as in production; pushes go
// through the connector (and, end to end, through a delivery_pool), pulls through the poller.
#include "sugarcrm_harness.hpp"

#include <thread>

namespace lg::test {
namespace {

TEST_F(sugarcrm_test, FirstSyncCreatesTheLeadAndTheSecondUpdatesTheSameRecord) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  auto d = parts(crm);
  const auto c = contact("form:1", "Nguyễn Thị Lan", "+84901234567", "lan@example.com");
  ASSERT_FALSE(c.empty());

  auto first = deliver(d, assign("form:1", c));
  ASSERT_EQ(first.kind, webhooks::attempt_kind::delivered) << first.error << " " << first.reply;
  ASSERT_EQ(crm.creates(), 1u);
  const auto id = record_of(c);
  ASSERT_FALSE(id.empty());
  auto rec = crm.record(id);
  ASSERT_TRUE(rec);
  EXPECT_EQ((*rec)["last_name"], "Nguyễn");
  EXPECT_EQ((*rec)["first_name"], "Thị Lan");
  EXPECT_EQ((*rec)["phone_mobile"], "+84901234567");
  ASSERT_TRUE((*rec)["email"].is_array());
  EXPECT_EQ((*rec)["email"][0]["email_address"], "lan@example.com");
  EXPECT_EQ((*rec)["email"][0]["primary_address"], true);
  EXPECT_EQ((*rec)["status"], "New");
  EXPECT_EQ((*rec)["assigned_user_id"], "crm-user-7");
  EXPECT_EQ((*rec)["team_id"], "hn");
  EXPECT_EQ((*rec)["lead_source"], "web_form");
  EXPECT_EQ((*rec)["campaign_name"], "he-2026");
  EXPECT_EQ((*rec)["description"], "leadgate lead L-form:1");
  // The CRM record is an identity of the contact: ext:<destination>:<record id>.
  std::optional<std::string> found;
  run([&]() -> awaitable<void> {
    auto r = co_await store::async_find_by_key(*redis_, tenant_, store::sync_keys::external_key("crm", id));
    if (r) found = *r;
  });
  EXPECT_EQ(found, c);

  // A person in the CRM works the lead: status and assignee are the CRM's from now on.
  ASSERT_TRUE(crm.edit_as_user(id, {{"status", "In Process"}, {"assigned_user_id", "crm-user-9"}}));
  auto second = deliver(d, assign("form:2", c));
  ASSERT_EQ(second.kind, webhooks::attempt_kind::delivered) << second.error;
  EXPECT_EQ(crm.creates(), 1u);
  EXPECT_EQ(crm.updates(), 1u);
  EXPECT_EQ(crm.records().size(), 1u);
  ASSERT_EQ(crm.put_bodies().size(), 1u);
  const auto put = crm.put_bodies()[0];
  EXPECT_FALSE(put.contains("status")) << put.dump();
  EXPECT_FALSE(put.contains("assigned_user_id")) << put.dump();
  EXPECT_EQ(put["description"], "leadgate lead L-form:2");
  EXPECT_EQ((*crm.record(id))["status"], "In Process");
  EXPECT_EQ((*crm.record(id))["assigned_user_id"], "crm-user-9");
}

TEST_F(sugarcrm_test, WithoutAStoredIdTheLeadIsFoundByPhoneNotCreatedTwice) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  const auto existing = crm.create_as_user({{"last_name", "Trần"}, {"phone_mobile", "+84907654321"}});
  auto d = parts(crm);
  const auto c = contact("form:3", "Trần Văn Bình", "+84907654321");
  auto r = deliver(d, assign("form:3", c));
  ASSERT_EQ(r.kind, webhooks::attempt_kind::delivered) << r.error;
  EXPECT_EQ(crm.creates(), 0u);
  EXPECT_EQ(crm.updates(), 1u);
  EXPECT_EQ(record_of(c), existing);
}

TEST_F(sugarcrm_test, StatusChangedInTheCrmComesBackAndLeadgatesOwnWritesDoNotEcho) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  auto d = parts(crm);
  const auto c = synced(d, "form:4", "Lê Minh Anh", "+84912000004");
  const auto id = record_of(c);

  // Only leadgate's own write so far: an echo, nothing applied.
  auto s0 = pull(d);
  EXPECT_EQ(s0.applied, 0u);
  EXPECT_EQ(s0.echoes, 1u);
  EXPECT_TRUE(crm_entries(c).empty());

  ASSERT_TRUE(crm.edit_as_user(id, {{"status", "In Process"}}));
  auto s1 = pull(d);
  EXPECT_EQ(s1.applied, 1u);
  auto fields = exec({"HMGET", store::keys::prefix(tenant_) + "c:" + c, "cs", "cu"});
  ASSERT_TRUE(fields);
  EXPECT_EQ(fields->elements[0].str, "In Process");
  EXPECT_EQ(fields->elements[1].str, "crm-user-7");
  std::optional<nlohmann::json> shown;
  run([&]() -> awaitable<void> {
    auto r = co_await store::async_get_contact(*redis_, tenant_, c, 20);
    if (r && *r) shown = **r;
  });
  ASSERT_TRUE(shown);
  EXPECT_EQ((*shown)["crm_status"], "In Process");
  auto tl = crm_entries(c);
  ASSERT_EQ(tl.size(), 1u);
  EXPECT_EQ(tl[0]["status"], "In Process");
  EXPECT_EQ(tl[0]["crm_id"], id);

  // leadgate writes again (a new lead of the contact): that write must not come back (an echo,
  // or, written within the second already pulled with the same content, a tie).
  ASSERT_EQ(deliver(d, assign("form:5", c)).kind, webhooks::attempt_kind::delivered);
  EXPECT_EQ(crm.updates(), 1u);
  auto s2 = pull(d);
  EXPECT_EQ(s2.applied, 0u);
  EXPECT_EQ(s2.echoes + s2.skipped, 1u);
  EXPECT_EQ(crm_entries(c).size(), 1u);
  // Nothing new: nothing applied, nothing re-applied.
  auto s3 = pull(d);
  EXPECT_EQ(s3.applied + s3.echoes, 0u);
  EXPECT_EQ(crm_entries(c).size(), 1u);
}

TEST_F(sugarcrm_test, TiesOnDateModifiedAreNeitherLostNorAppliedTwice) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  auto d = parts(crm);
  std::vector<std::string> contacts, ids;
  const auto t = synced_then_frozen(crm, d, "t", "Phạm Văn T", "+8491300000", 5, contacts, ids);
  ASSERT_EQ(ids.size(), 5u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(crm.edit_as_user(ids[i], {{"status", "In Process"}}));
  auto s1 = pull(d);  // pages of 2: the three ties span two pages
  EXPECT_EQ(s1.applied, 3u);
  // Two more edits at the very same second, after the cursor reached it.
  for (int i = 3; i < 5; ++i) ASSERT_TRUE(crm.edit_as_user(ids[i], {{"status", "Dead"}}));
  auto s2 = pull(d);
  EXPECT_EQ(s2.applied, 2u);
  auto s3 = pull(d);
  EXPECT_EQ(s3.applied, 0u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(crm_entries(contacts[i]).size(), 1u) << "contact " << i;
  EXPECT_EQ(hget(store::sync_keys::state(tenant_, "crm"), "cur"), std::to_string(t));
}

TEST_F(sugarcrm_test, ARunWhoseLeaseIsLostStopsAtThePageAndTheNextRunGoesOn) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  auto d = parts(crm);
  std::vector<std::string> contacts, ids;
  synced_then_frozen(crm, d, "l", "Đỗ Thị L", "+8491400000", 3, contacts, ids);
  ASSERT_EQ(ids.size(), 3u);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(crm.edit_as_user(ids[i], {{"status", "In Process"}}));
  // The lease is gone once the first page (of 2) is in: the run stops there.
  d.pull->set_may_run([] { return false; });
  auto s1 = pull(d);
  EXPECT_EQ(s1.pages, 1u);
  EXPECT_EQ(s1.applied, 2u);
  // The next holder's run takes the rest, from the cursor the stopped run moved.
  d.pull->set_may_run(nullptr);
  auto s2 = pull(d);
  EXPECT_EQ(s2.applied, 1u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(crm_entries(contacts[i]).size(), 1u) << "contact " << i;
}

TEST_F(sugarcrm_test, ConvertedInTheCrmClosesTheLeadAndFreesTheMembersCapacity) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  auto d = parts(crm);
  // Both members take one lead (capacity 1 each); a third waits in the backlog.
  seed_team(1);
  const auto c1 = contact("form:c1", "Võ Thị Hoa", "+84914000001");
  const auto c2 = contact("form:c2", "Đỗ Văn Nam", "+84914000002");
  const auto c3 = contact("form:c3", "Bùi Thị Mai", "+84914000003");
  auto item = assign("form:c1", c1);
  assign("form:c2", c2);
  assign("form:c3", c3, false);
  const auto open_m1 = store::keys::member_open(tenant_, "hn", "m1");
  ASSERT_EQ(integer({"SCARD", open_m1}), 1);
  ASSERT_EQ(integer({"ZCARD", store::keys::backlog(tenant_, "hn")}), 1);
  ASSERT_EQ(deliver(d, item).kind, webhooks::attempt_kind::delivered);

  ASSERT_TRUE(crm.edit_as_user(record_of(c1), {{"status", "Converted"}}));
  auto s = pull(d);
  EXPECT_EQ(s.applied, 1u);
  EXPECT_EQ(s.closed, 1u);
  EXPECT_EQ(hget(store::keys::assignment(tenant_, "form:c1"), "st"), "closed");
  // m1's place went to the lead that waited.
  EXPECT_EQ(integer({"ZCARD", store::keys::backlog(tenant_, "hn")}), 0);
  EXPECT_EQ(hget(store::keys::assignment(tenant_, "form:c3"), "m"), "m1");
}

TEST_F(sugarcrm_test, DeletedInTheCrmTheContactIsUnlinkedItsLeadClosedAndTheNextPushCreatesAgain) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  auto d = parts(crm);
  const auto c = synced(d, "form:del", "Hồ Thị Thu", "+84915000001", "thu@example.com");
  const auto id = record_of(c);
  ASSERT_FALSE(id.empty());
  // The edit and the delete fall in one second: the delete leaves the record's content as it
  // was, and must still not pass for a tie of the edit already pulled.
  crm.freeze_clock(std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count() + 100);
  ASSERT_TRUE(crm.edit_as_user(id, {{"status", "In Process"}}));
  EXPECT_EQ(pull(d).applied, 1u);
  const auto ck = store::keys::prefix(tenant_) + "c:" + c;
  ASSERT_EQ(hget(ck, "cs"), "In Process");
  ASSERT_EQ(integer({"SISMEMBER", store::keys::member_open(tenant_, "hn", "m1"), "form:del"}), 1);

  ASSERT_TRUE(crm.delete_as_user(id));
  auto s = pull(d);
  EXPECT_EQ(s.deleted, 1u);
  EXPECT_EQ(s.closed, 1u);
  EXPECT_EQ(s.applied, 0u);
  EXPECT_EQ(s.echoes, 0u);
  EXPECT_EQ(hget(store::keys::assignment(tenant_, "form:del"), "st"), "closed");
  EXPECT_EQ(integer({"SISMEMBER", store::keys::member_open(tenant_, "hn", "m1"), "form:del"}), 0);
  EXPECT_EQ(record_of(c), "");
  EXPECT_EQ(hget(ck, "cs"), "");
  std::optional<std::string> found = std::string("unset");
  run([&]() -> awaitable<void> {
    auto r = co_await store::async_find_by_key(*redis_, tenant_, store::sync_keys::external_key("crm", id));
    if (r) found = *r;
  });
  EXPECT_EQ(found, std::nullopt) << "the deleted record still names the contact";
  auto tl = crm_entries(c);
  ASSERT_EQ(tl.size(), 2u);
  EXPECT_EQ(tl[0].value("deleted", 0), 1);
  EXPECT_EQ(tl[0]["crm_id"], id);
  EXPECT_EQ(tl[0]["by"], fake_sugarcrm::human_user_id);
  EXPECT_EQ(hget(store::sync_keys::state(tenant_, "crm"), "deleted"), "1");
  // Pulled once: the delete is not applied again.
  auto again = pull(d);
  EXPECT_EQ(again.deleted + again.applied, 0u);
  EXPECT_EQ(crm_entries(c).size(), 2u);

  // The person comes back: the deleted Lead is not found by phone or email, so a new one is made.
  ASSERT_EQ(deliver(d, assign("form:del2", c)).kind, webhooks::attempt_kind::delivered);
  EXPECT_EQ(crm.creates(), 2u);
  const auto second = record_of(c);
  EXPECT_FALSE(second.empty());
  EXPECT_NE(second, id);
  ASSERT_TRUE(crm.record(second));
  EXPECT_EQ((*crm.record(second))["phone_mobile"], "+84915000001");
}

TEST_F(sugarcrm_test, ALeadDeletedBeforeAnyPullIsRecreatedByThePushWhosePutAnswers404) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  auto d = parts(crm);
  const auto c = synced(d, "form:gone", "Lý Văn Hải", "+84915000002");
  const auto id = record_of(c);
  ASSERT_TRUE(crm.delete_as_user(id));
  const auto r = deliver(d, assign("form:gone2", c));
  ASSERT_EQ(r.kind, webhooks::attempt_kind::delivered) << r.error << " " << r.reply;
  EXPECT_EQ(crm.creates(), 2u);
  EXPECT_EQ(crm.updates(), 0u);
  EXPECT_NE(record_of(c), id);
  EXPECT_FALSE(record_of(c).empty());
}

TEST_F(sugarcrm_test, ReassignedInTheCrmTheOpenLeadMovesToThatMember) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  auto d = parts(crm);
  const auto c = synced(d, "form:r", "Đặng Thị Yến", "+84918000001");
  const auto m1 = store::keys::member_open(tenant_, "hn", "m1");
  const auto m2 = store::keys::member_open(tenant_, "hn", "m2");
  ASSERT_EQ(integer({"SISMEMBER", m1, "form:r"}), 1);

  // A user who is no member of the team: recorded, the lead stays.
  ASSERT_TRUE(crm.edit_as_user(record_of(c), {{"assigned_user_id", "crm-user-99"}}));
  auto s1 = pull(d);
  EXPECT_EQ(s1.applied, 1u);
  EXPECT_EQ(s1.moved, 0u);
  EXPECT_EQ(integer({"SISMEMBER", m1, "form:r"}), 1);

  ASSERT_TRUE(crm.edit_as_user(record_of(c), {{"assigned_user_id", "crm-user-8"}}));
  auto s2 = pull(d);
  EXPECT_EQ(s2.moved, 1u);
  EXPECT_EQ(integer({"SISMEMBER", m1, "form:r"}), 0);
  EXPECT_EQ(integer({"SISMEMBER", m2, "form:r"}), 1);
  EXPECT_EQ(hget(store::keys::assignment(tenant_, "form:r"), "m"), "m2");
  EXPECT_EQ(hget(store::keys::prefix(tenant_) + "c:" + c, "o"), "m2");
}

TEST_F(sugarcrm_test, AnExpiredTokenCostsExactlyOneNewLogin) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  auto d = parts(crm);
  const auto c = synced(d, "form:e", "Hoàng Văn Long", "+84915000001");
  EXPECT_EQ(crm.password_logins(), 1u);
  crm.expire_tokens();
  auto r = deliver(d, assign("form:e2", c));
  ASSERT_EQ(r.kind, webhooks::attempt_kind::delivered) << r.error;
  EXPECT_EQ(crm.password_logins(), 2u);
  EXPECT_EQ(crm.unauthorized(), 1u);
  EXPECT_EQ(d.session->stats().relogins, 1u);
}

TEST_F(sugarcrm_test, WrongPasswordIsARetryAndNeverLogged) {
  fake_sugarcrm crm("api_gateway", "the-real-one");
  auto d = parts(crm);
  const auto c = contact("form:p", "Ngô Thị Thu", "+84916000001");
  auto r = deliver(d, assign("form:p", c));
  EXPECT_EQ(r.kind, webhooks::attempt_kind::retry);
  EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("pw-123"), std::string::npos) << r.error;
  EXPECT_EQ(crm.creates(), 0u);
}

TEST_F(sugarcrm_test, ThroughTheDeliveryPoolA4xxIsADeadLetterWithTheReplyKept) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  const auto ok = contact("form:d1", "Trịnh Văn Sơn", "+84917000001");
  const auto bad = contact("form:d2", "Lý Thị Hạnh", "+84917000002");
  assign("form:d1", ok);

  const auto dest = two_way_crm(crm);
  auto pool = make_pool(make_config({dest}));
  EXPECT_EQ(pool->pullers(), 1u);
  pool->start();
  ASSERT_TRUE(wait_for([&] { return crm.creates() == 1; }, std::chrono::seconds(10)));
  ASSERT_TRUE(wait_for([&] { return !record_of(ok).empty(); }, std::chrono::seconds(5)));

  // The CRM refuses the next call (the search before the write) for good.
  crm.fail_next(1, 422, R"({"error":"invalid_parameter","error_message":"phone_mobile is not valid"})",
                "%24equals");  // the connector's search ($equals), not the poller's pull ($gte)
  assign("form:d2", bad);
  const auto dead = store::keys::dead_letters(tenant_, "crm");
  ASSERT_TRUE(wait_for([&] { return integer({"XLEN", dead}) == 1; }, std::chrono::seconds(10)));
  auto entries = exec({"XRANGE", dead, "-", "+"});
  ASSERT_TRUE(entries);
  std::map<std::string, std::string> f;
  const auto& kv = entries->elements[0].elements[1].elements;
  for (std::size_t i = 0; i + 1 < kv.size(); i += 2) f[kv[i].str] = kv[i + 1].str;
  EXPECT_EQ(f["status"], "422");
  EXPECT_NE(f["reply"].find("phone_mobile is not valid"), std::string::npos) << f["reply"];

  // The pool's poller pulls when poked (what POST /v1/sync/{d} does), long before its interval.
  ASSERT_TRUE(crm.edit_as_user(record_of(ok), {{"status", "In Process"}}));
  ASSERT_TRUE(exec({"HSET", store::sync_keys::state(tenant_, "crm"), "poke", "1"}));
  ASSERT_TRUE(wait_for([&] { return crm_entries(ok).size() == 1; }, std::chrono::seconds(10)));
  pool->stop();
}

TEST_F(sugarcrm_test, OnlyTheProcessHoldingTheDestinationsLeasePulls) {
  fake_sugarcrm crm("api_gateway", "pw-123");
  auto dest = two_way_crm(crm);
  dest.options["poll_interval_ms"] = 50;  // it looks for a poke every 50 ms
  // Another process holds the destination's lease.
  const auto lease = store::keys::lease(tenant_, "dst:crm");
  ASSERT_TRUE(exec({"SET", lease, "another-process", "PX", "60000"}));
  auto pool = make_pool(make_config({dest}));
  ASSERT_EQ(pool->pullers(), 1u);
  pool->start();
  const auto state = store::sync_keys::state(tenant_, "crm");
  ASSERT_TRUE(exec({"HSET", state, "poke", "1"}));
  // A started poller pulls at once and then looks for a poke every 50 ms: in ten looks neither
  // a pull nor the poke is taken while the lease is another's.
  const auto& puller = pool->puller_at(0);
  ASSERT_TRUE(wait_for([&] { return puller.rounds() >= 10; }, std::chrono::seconds(10)));
  EXPECT_EQ(crm.pulls(), 0u);
  EXPECT_EQ(integer({"HEXISTS", state, "poke"}), 1);

  // The lease falls free: this process takes it over and pulls, the poke included.
  ASSERT_TRUE(exec({"DEL", lease}));
  ASSERT_TRUE(wait_for([&] { return crm.pulls() > 0; }, std::chrono::seconds(10)));
  EXPECT_TRUE(wait_for([&] { return integer({"HEXISTS", state, "poke"}) == 0; }, std::chrono::seconds(5)));
  pool->stop();
}

}  // namespace
}  // namespace lg::test
