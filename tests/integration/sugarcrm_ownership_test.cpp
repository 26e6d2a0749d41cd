// Field ownership of the sugarcrm destination with its default settings (every event type
// delivered): a CRM-owned field (assignee, status) is written by leadgate while the CRM's value
// is empty or still what leadgate last wrote; once someone in the CRM changed it, never again.
#include "sugarcrm_harness.hpp"

namespace lg::test {
namespace {

class sugarcrm_ownership_test : public sugarcrm_test {
 protected:
  // A new contact whose contact.created entry was delivered first, as a destination without an
  // `events` list receives it: the Lead exists before its lead is given to anyone.
  std::string created_then_delivered(sg::destination_parts& d, const std::string& event_id, const std::string& name,
                                     const std::string& phone) {
    const auto c = contact(event_id, name, phone);
    const auto created = newest_outbox_item();
    EXPECT_EQ(created.type, "contact.created");
    const auto r = deliver(d, created);
    EXPECT_EQ(r.kind, webhooks::attempt_kind::delivered) << r.error << " " << r.reply;
    return c;
  }

  // Field `name` of the CRM record of `contact_id`.
  std::string field(const std::string& contact_id, const std::string& name) {
    const auto rec = crm.record(record_of(contact_id));
    return rec ? rec->value(name, "") : std::string("(no record)");
  }

  // The CRM every test here delivers to.
  fake_sugarcrm crm{"api_gateway", "pw-123"};
};

TEST_F(sugarcrm_ownership_test, WithDefaultEventsTheLeadGetsItsSalespersonAndTeamAtTheAssignment) {
  auto d = parts(crm);
  const auto c = created_then_delivered(d, "form:o1", "Nguyễn Thị Lan", "+84901230001");
  ASSERT_EQ(crm.creates(), 1u);
  EXPECT_EQ(field(c, "assigned_user_id"), "");

  ASSERT_EQ(deliver(d, assign("form:o1", c)).kind, webhooks::attempt_kind::delivered);
  EXPECT_EQ(crm.creates(), 1u);
  EXPECT_EQ(field(c, "assigned_user_id"), "crm-user-7");
  EXPECT_EQ(field(c, "team_id"), "hn");
  EXPECT_EQ(field(c, "status"), "New");
}

TEST_F(sugarcrm_ownership_test, AnSlaReassignmentInLeadgateMovesTheLeadInTheCrm) {
  auto d = parts(crm);
  const auto c = created_then_delivered(d, "form:o2", "Trần Văn Bình", "+84901230002");
  ASSERT_EQ(deliver(d, assign("form:o2", c, true, 5)).kind, webhooks::attempt_kind::delivered);
  ASSERT_EQ(field(c, "assigned_user_id"), "crm-user-7");

  ASSERT_EQ(sweep(6).reassigned, 1);
  const auto hop = newest_outbox_item();
  ASSERT_EQ(nlohmann::json::parse(hop.data).value("assigned_user_id", ""), "crm-user-8") << hop.data;
  ASSERT_EQ(deliver(d, hop).kind, webhooks::attempt_kind::delivered);
  EXPECT_EQ(field(c, "assigned_user_id"), "crm-user-8");
}

TEST_F(sugarcrm_ownership_test, AReassignmentMadeInTheCrmIsNeverOverwrittenAfterwards) {
  auto d = parts(crm);
  const auto c = created_then_delivered(d, "form:o3", "Lê Thị Hoa", "+84901230003");
  ASSERT_EQ(deliver(d, assign("form:o3", c, true, 5)).kind, webhooks::attempt_kind::delivered);
  const auto id = record_of(c);
  ASSERT_TRUE(crm.edit_as_user(id, {{"assigned_user_id", "crm-user-99"}}));

  // leadgate's SLA hop, then a new lead of the same person given to the other member: the CRM
  // keeps its own choice through both.
  ASSERT_EQ(sweep(6).reassigned, 1);
  ASSERT_EQ(deliver(d, newest_outbox_item()).kind, webhooks::attempt_kind::delivered);
  EXPECT_EQ(field(c, "assigned_user_id"), "crm-user-99");
  ASSERT_EQ(deliver(d, assign("form:o3b", c)).kind, webhooks::attempt_kind::delivered);
  EXPECT_EQ(field(c, "assigned_user_id"), "crm-user-99");
  for (const auto& body : crm.put_bodies())
    EXPECT_NE(body.value("assigned_user_id", ""), "crm-user-8") << body.dump();
  // leadgate's own fields still go: the newest lead is in the description.
  EXPECT_EQ(field(c, "description"), "leadgate lead L-form:o3b");
}

TEST_F(sugarcrm_ownership_test, AStatusWorkedInTheCrmIsNeverOverwritten) {
  auto d = parts(crm);
  const auto c = created_then_delivered(d, "form:o4", "Phạm Minh Đức", "+84901230004");
  ASSERT_TRUE(crm.edit_as_user(record_of(c), {{"status", "In Process"}}));
  ASSERT_EQ(deliver(d, assign("form:o4", c)).kind, webhooks::attempt_kind::delivered);
  EXPECT_EQ(field(c, "status"), "In Process");
  EXPECT_EQ(field(c, "assigned_user_id"), "crm-user-7");  // the assignee was still blank
  ASSERT_EQ(deliver(d, assign("form:o4b", c)).kind, webhooks::attempt_kind::delivered);
  EXPECT_EQ(field(c, "status"), "In Process");
  for (const auto& body : crm.put_bodies()) EXPECT_FALSE(body.contains("status")) << body.dump();
}

TEST_F(sugarcrm_ownership_test, ALeadFoundByPhoneKeepsWhatTheCrmSetAndGetsWhatItLeftBlank) {
  const auto worked = crm.create_as_user(
      {{"last_name", "Đỗ"}, {"phone_mobile", "+84901230005"}, {"status", "In Process"}, {"assigned_user_id", "crm-user-42"}});
  const auto blank = crm.create_as_user({{"last_name", "Vũ"}, {"phone_mobile", "+84901230006"}, {"status", ""}});
  auto d = parts(crm);
  const auto a = contact("form:o5", "Đỗ Văn Tâm", "+84901230005");
  const auto b = contact("form:o6", "Vũ Thị Ngọc", "+84901230006");
  ASSERT_EQ(deliver(d, assign("form:o5", a)).kind, webhooks::attempt_kind::delivered);
  ASSERT_EQ(deliver(d, assign("form:o6", b)).kind, webhooks::attempt_kind::delivered);
  EXPECT_EQ(crm.creates(), 0u);
  ASSERT_EQ(record_of(a), worked);
  ASSERT_EQ(record_of(b), blank);
  EXPECT_EQ(field(a, "status"), "In Process");
  EXPECT_EQ(field(a, "assigned_user_id"), "crm-user-42");
  EXPECT_EQ(field(b, "status"), "New");
  EXPECT_EQ(field(b, "assigned_user_id"), "crm-user-8");  // round robin: m1 took form:o5
}

}  // namespace
}  // namespace lg::test
