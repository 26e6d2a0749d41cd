// webhooks/sugarcrm: the pure mapping (names, Lead body and ownership, fingerprint, Sugar's
// date_modified) and the options reader.
#include "webhooks/connectors/sugarcrm/sugarcrm_mapping.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lg::webhooks::sugarcrm {
namespace {

using nlohmann::json;

TEST(SugarcrmMapping, NamesSplitFamilyFirstOrGivenFirst) {
  EXPECT_EQ(split_name("Nguyễn Thị Lan", false), (std::pair<std::string, std::string>{"Nguyễn", "Thị Lan"}));
  EXPECT_EQ(split_name("An Nguyen", true), (std::pair<std::string, std::string>{"Nguyen", "An"}));
  EXPECT_EQ(split_name("Lan", false).first, "Lan");  // one word: last_name, which Sugar requires
  EXPECT_EQ(split_name("Lan", true).first, "Lan");
  EXPECT_EQ(split_name("", false).first, "");
}

TEST(SugarcrmMapping, TheRecordCarriesEveryMappedFieldWithAValue) {
  options o;
  const json contact = {{"name", "Nguyễn Thị Lan"},
                        {"phones", {{{"value", "+84901234567"}}}},
                        {"emails", {{{"value", "lan@example.com"}}, {{"value", "lan2@example.com"}}}},
                        {"timeline", {{{"k", "touch"}, {"ch", "web_form"}, {"cmp", "he-2026"}}}}};
  const json event = {{"lead_id", "L1"}, {"assigned_user_id", "u7"}, {"team_id", "hn"}};
  const auto rec = build_record(o, contact, event);
  EXPECT_EQ(rec["last_name"], "Nguyễn");
  EXPECT_EQ(rec["first_name"], "Thị Lan");
  EXPECT_EQ(rec["status"], "New");
  EXPECT_EQ(rec["assigned_user_id"], "u7");
  EXPECT_EQ(rec["team_id"], "hn");
  EXPECT_EQ(rec["lead_source"], "web_form");
  EXPECT_EQ(rec["campaign_name"], "he-2026");
  ASSERT_EQ(rec["email"].size(), 2u);
  EXPECT_EQ(rec["email"][0]["primary_address"], true);
  EXPECT_EQ(rec["email"][1]["primary_address"], false);
  // A contact.created entry (no lead given yet) carries no assignee: none is written.
  EXPECT_FALSE(build_record(o, contact, json{{"lead_id", "L1"}}).contains("assigned_user_id"));
  // A field mapped to "" is not written.
  o.field_map["team"] = "";
  EXPECT_FALSE(build_record(o, contact, event).contains("team_id"));
}

TEST(SugarcrmOwnership, LeadgateWritesACrmOwnedFieldWhileTheCrmsValueIsEmptyOrItsOwn) {
  const json mine = "u7";
  struct row {
    json crm;
    const json* last;
    bool may;
  } rows[] = {
      {json(), nullptr, true},       // never set anywhere
      {json(""), nullptr, true},     // empty in the CRM
      {json(""), &mine, true},       // cleared in the CRM: blank, leadgate fills it
      {json("u7"), &mine, true},     // still what leadgate wrote
      {json("u9"), &mine, false},    // changed in the CRM: the CRM's now
      {json("u9"), nullptr, false},  // set in the CRM, leadgate never wrote it
      {json("u7"), nullptr, false},  // same value, but set by someone in the CRM
  };
  for (const auto& r : rows)
    EXPECT_EQ(leadgate_may_write(r.crm, r.last), r.may) << r.crm.dump() << " last " << (r.last ? r.last->dump() : "-");
}

TEST(SugarcrmOwnership, AnUpdateWritesOwnedFieldsOnlyWhereTheRuleAllowsAndReadsTheCrmOnlyWhenItMust) {
  const options o;  // status and assigned_user are the CRM's
  const json desired = {{"last_name", "Nguyễn"}, {"status", "New"}, {"assigned_user_id", "u8"}, {"team_id", "hn"}};
  struct row {
    const char* what;
    json last;
    json crm;  // null: not read yet
    bool needs_read;
    bool writes_status;
    bool writes_user;
  } rows[] = {
      {"created unassigned: the assignee is unknown to leadgate, the CRM must be read",
       {{"status", "New"}}, json(), true, false, false},
      {"created unassigned, the CRM's assignee still empty: written", {{"status", "New"}},
       {{"status", "New"}, {"assigned_user_id", ""}}, false, false, true},
      {"an SLA hop in leadgate: the CRM still has leadgate's u7", {{"status", "New"}, {"assigned_user_id", "u7"}},
       {{"status", "New"}, {"assigned_user_id", "u7"}}, false, false, true},
      {"reassigned in the CRM: kept", {{"status", "New"}, {"assigned_user_id", "u7"}},
       {{"status", "New"}, {"assigned_user_id", "u9"}}, false, false, false},
      {"status worked in the CRM: kept, and no read needed for it", {{"status", "New"}, {"assigned_user_id", "u8"}},
       json(), false, false, false},
      {"a Lead found by phone, set in the CRM: nothing owned written", json::object(),
       {{"status", "In Process"}, {"assigned_user_id", "u9"}}, false, false, false},
      {"a Lead found by phone, blank in the CRM: both written", json::object(),
       {{"status", ""}, {"assigned_user_id", nullptr}}, false, true, true},
      {"a corrupt stored value reads as nothing written", json("not an object"),
       {{"status", "New"}, {"assigned_user_id", "u7"}}, false, false, false},
  };
  for (const auto& r : rows) {
    const auto plan = decide_update(o, desired, r.last, r.crm.is_null() ? nullptr : &r.crm);
    EXPECT_EQ(plan.needs_crm_values, r.needs_read) << r.what;
    if (plan.needs_crm_values) continue;
    EXPECT_EQ(plan.body.contains("status"), r.writes_status) << r.what << ": " << plan.body.dump();
    EXPECT_EQ(plan.body.contains("assigned_user_id"), r.writes_user) << r.what << ": " << plan.body.dump();
    EXPECT_EQ(plan.body["last_name"], "Nguyễn") << r.what;  // leadgate's own fields always go
    EXPECT_EQ(plan.body["team_id"], "hn") << r.what;
  }
}

TEST(SugarcrmOwnership, WhatWasWrittenIsRememberedPerOwnedField) {
  options o;
  const json sent = {{"last_name", "Nguyễn"}, {"assigned_user_id", "u8"}};
  EXPECT_EQ(owned_after_write(o, sent, json{{"status", "New"}, {"assigned_user_id", "u7"}}),
            (json{{"status", "New"}, {"assigned_user_id", "u8"}}));
  EXPECT_EQ(owned_after_write(o, sent, json()), (json{{"assigned_user_id", "u8"}}));
  EXPECT_EQ(owned_crm_fields(o), (std::vector<std::string>{"status", "assigned_user_id"}));
  o.ownership["assigned_user"] = "leadgate";
  EXPECT_EQ(owned_crm_fields(o), (std::vector<std::string>{"status"}));
  // A leadgate-owned field is written on every update, whatever the CRM holds.
  const json crm = {{"status", "In Process"}, {"assigned_user_id", "u9"}};
  const auto plan = decide_update(o, json{{"status", "New"}, {"assigned_user_id", "u8"}}, json{{"status", "New"}}, &crm);
  EXPECT_EQ(plan.body, (json{{"assigned_user_id", "u8"}}));
}

TEST(SugarcrmMapping, FingerprintFollowsTheSharedFieldsOnly) {
  options o;
  json a = {{"id", "x"}, {"last_name", "Nguyễn"}, {"status", "New"}, {"date_modified", "2026-11-23T14:00:05Z"}};
  json b = a;
  b["date_modified"] = "2026-11-23T14:00:06Z";
  b["description"] = "changed";
  EXPECT_EQ(fingerprint(o, a), fingerprint(o, b));
  b["status"] = "Dead";
  EXPECT_NE(fingerprint(o, a), fingerprint(o, b));
  EXPECT_EQ(fingerprint(o, json("not an object")), fingerprint(o, json::object()));
}

TEST(SugarcrmMapping, DeletedFlagInTheShapesAPullMayCarry) {
  EXPECT_TRUE(deleted_flag(json{{"id", "a"}, {"deleted", true}}));
  EXPECT_TRUE(deleted_flag(json{{"deleted", 1}}));
  EXPECT_TRUE(deleted_flag(json{{"deleted", "1"}}));
  EXPECT_TRUE(deleted_flag(json{{"deleted", "true"}}));
  EXPECT_FALSE(deleted_flag(json{{"deleted", false}}));
  EXPECT_FALSE(deleted_flag(json{{"deleted", 0}}));
  EXPECT_FALSE(deleted_flag(json{{"deleted", "0"}}));
  EXPECT_FALSE(deleted_flag(json{{"deleted", nullptr}}));
  EXPECT_FALSE(deleted_flag(json{{"id", "a"}}));
  EXPECT_FALSE(deleted_flag(json::array({true})));
}

TEST(SugarcrmOptions, ReadsOverridesAndRejectsUnknownOnes) {
  options base;
  base.password = "pw";
  auto o = read_options(json{{"username", "api"}, {"client_id", "dotb"}, {"ownership", {{"status", "leadgate"}}},
                             {"page_size", 20}, {"password", {{"env", "X"}}}},
                        base);
  ASSERT_TRUE(o) << o.error().message;
  EXPECT_EQ(o->client_id, "dotb");
  EXPECT_FALSE(o->crm_owns("status"));
  EXPECT_EQ(o->page_size, 20u);
  auto missing = read_options(json{{"client_id", "dotb"}}, base);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "options.username");
  auto unknown_field = read_options(json{{"username", "api"}, {"field_map", {{"shoe_size", "x"}}}}, base);
  ASSERT_FALSE(unknown_field);
  EXPECT_EQ(unknown_field.error().field, "options.field_map.shoe_size");
  auto bad_owner = read_options(json{{"username", "api"}, {"ownership", {{"status", "both"}}}}, base);
  ASSERT_FALSE(bad_owner);
  options no_password;
  EXPECT_FALSE(read_options(json{{"username", "api"}}, no_password));
}

}  // namespace
}  // namespace lg::webhooks::sugarcrm
