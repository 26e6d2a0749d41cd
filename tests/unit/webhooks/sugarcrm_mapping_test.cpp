// webhooks/sugarcrm: the pure mapping (names, Lead body and ownership, fingerprint, Sugar's
// date_modified) and the options reader.
#include "webhooks/sugarcrm/sugarcrm_mapping.hpp"

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

TEST(SugarcrmMapping, DateModifiedWithOffsetsAndBadShapes) {
  EXPECT_EQ(parse_date_modified("1970-01-01T00:00:00+00:00"), 0);
  EXPECT_EQ(parse_date_modified("2026-11-23T14:00:05Z"), 1'795'442'405);
  EXPECT_EQ(parse_date_modified("2026-11-23T21:00:05+07:00"), 1'795'442'405);
  EXPECT_EQ(parse_date_modified("2026-11-23T09:30:05-04:30"), 1'795'442'405);
  EXPECT_FALSE(parse_date_modified("2026-11-23"));
  EXPECT_FALSE(parse_date_modified("2026-13-23T14:00:05Z"));
  EXPECT_FALSE(parse_date_modified("2026-11-23T14:00:05+0700"));
  EXPECT_FALSE(parse_date_modified("yesterday at noon, more or less"));
}

TEST(SugarcrmMapping, CreateWritesEverythingAndUpdatesLeaveCrmOwnedFieldsOut) {
  options o;
  const json contact = {{"name", "Nguyễn Thị Lan"},
                        {"phones", {{{"value", "+84901234567"}}}},
                        {"emails", {{{"value", "lan@example.com"}}, {{"value", "lan2@example.com"}}}},
                        {"timeline", {{{"k", "touch"}, {"ch", "web_form"}, {"cmp", "he-2026"}}}}};
  const json event = {{"lead_id", "L1"}, {"assigned_user_id", "u7"}, {"team_id", "hn"}};
  const auto created = build_record(o, contact, event, true);
  EXPECT_EQ(created["last_name"], "Nguyễn");
  EXPECT_EQ(created["first_name"], "Thị Lan");
  EXPECT_EQ(created["status"], "New");
  EXPECT_EQ(created["assigned_user_id"], "u7");
  EXPECT_EQ(created["lead_source"], "web_form");
  EXPECT_EQ(created["campaign_name"], "he-2026");
  ASSERT_EQ(created["email"].size(), 2u);
  EXPECT_EQ(created["email"][0]["primary_address"], true);
  EXPECT_EQ(created["email"][1]["primary_address"], false);
  const auto updated = build_record(o, contact, event, false);
  EXPECT_FALSE(updated.contains("status"));
  EXPECT_FALSE(updated.contains("assigned_user_id"));
  EXPECT_EQ(updated["team_id"], "hn");
  // Ownership and mapping from config: leadgate owns the assignee; the team is not written.
  o.ownership["assigned_user"] = "leadgate";
  o.field_map["team"] = "";
  const auto mine = build_record(o, contact, event, false);
  EXPECT_EQ(mine["assigned_user_id"], "u7");
  EXPECT_FALSE(mine.contains("team_id"));
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
