// core/lead_event.cpp: the lead event's JSON contract (DESIGN.md, "Lead event").
#include "core/lead_event.hpp"

#include <gtest/gtest.h>

#include <tuple>

namespace lg::core {
namespace {

using json = nlohmann::json;

lead_event full_event() {
  lead_event e;
  e.event_id = "zalo:msg:8a1f";
  e.lead_id = "L-01HZX";
  e.source = "zalo-main";
  e.chan = channel::zalo;
  e.received_at = "2026-11-22T03:00:00.123Z";
  e.occurred_at = "2026-11-22T03:00:00Z";
  e.contact.full_name = "Nguy\xE1\xBB\x85n Th\xE1\xBB\x8B Lan";
  e.contact.family_name = "Nguy\xE1\xBB\x85n";
  e.contact.given_name = "Th\xE1\xBB\x8B Lan";
  e.contact.phones = {"+84912345678", "+84391234567"};
  e.contact.emails = {"lan@example.com"};
  e.contact.ids = {{"zalo", "2468458835296979220"}, {"zalo_oa", "oa-1"}};
  e.contact.city = "H\xC3\xA0 N\xE1\xBB\x99i";
  e.contact.address = "12 L\xC3\xAA L\xE1\xBB\xA3i";
  e.contact.invalid_phones = {"0912"};
  e.contact.invalid_emails = {"lan@"};
  e.interest = {{"program", "IELTS"}, {"campus", "cau-giay"}};
  e.campaign.utm = {{"utm_source", "facebook"}, {"utm_campaign", "ielts-t11"}};
  e.campaign.page_url = "https://example.edu.vn/ielts";
  e.campaign.referrer = "https://facebook.com/";
  e.client = {"203.0.113.7", "Mozilla/5.0"};
  e.message = "H\xE1\xBB\x8D" "c ph\xC3\xAD l\xE1\xBB\x9Bp IELTS?";
  e.consent = {{"marketing", true}, {"sms", false}};
  e.extra = {{"grade", "10"}};
  e.raw_ref = "lg:{t}:raw:1";
  return e;
}

// The fields the JSON form carries, by part, as tuples to compare (and print) at once.
auto top_fields(const lead_event& e) {
  return std::tie(e.event_id, e.lead_id, e.source, e.chan, e.received_at, e.occurred_at, e.interest, e.message,
                  e.consent, e.extra, e.raw_ref);
}
auto contact_fields(const contact_info& c) {
  return std::tie(c.full_name, c.family_name, c.given_name, c.phones, c.emails, c.ids, c.city, c.address,
                  c.invalid_phones, c.invalid_emails);
}
auto campaign_and_client_fields(const lead_event& e) {
  return std::tie(e.campaign.utm, e.campaign.page_url, e.campaign.referrer, e.client.ip, e.client.user_agent);
}

void expect_equal(const lead_event& a, const lead_event& b) {
  EXPECT_EQ(top_fields(a), top_fields(b));
  EXPECT_EQ(contact_fields(a.contact), contact_fields(b.contact));
  EXPECT_EQ(campaign_and_client_fields(a), campaign_and_client_fields(b));
}

TEST(lead_event, round_trip_through_text) {
  const lead_event e = full_event();
  const std::string text = json(e).dump();
  const lead_event back = json::parse(text).get<lead_event>();
  expect_equal(back, e);
}

TEST(lead_event, json_shape_matches_the_contract) {
  const json j = full_event();
  EXPECT_EQ(j.at("channel"), "zalo");
  EXPECT_EQ(j.at("contact").at("phones"), json({"+84912345678", "+84391234567"}));
  EXPECT_EQ(j.at("contact").at("ids").at("zalo"), "2468458835296979220");
  // utm keys sit directly in "campaign", next to page_url and referrer.
  EXPECT_EQ(j.at("campaign"), json::parse(R"({"utm_source":"facebook","utm_campaign":"ielts-t11",
      "page_url":"https://example.edu.vn/ielts","referrer":"https://facebook.com/"})"));
  EXPECT_EQ(j.at("client"), json::parse(R"({"ip":"203.0.113.7","user_agent":"Mozilla/5.0"})"));
  EXPECT_EQ(j.at("consent"), json::parse(R"({"marketing":true,"sms":false})"));
  EXPECT_FALSE(j.at("campaign").contains("utm"));
}

TEST(lead_event, empty_members_are_omitted) {
  lead_event e;
  e.chan = channel::hotline;
  e.event_id = "hotline:call:1";
  e.contact.phones = {"+84912345678"};
  EXPECT_EQ(json(e), json::parse(
                         R"({"event_id":"hotline:call:1","channel":"hotline","contact":{"phones":["+84912345678"]}})"));
}

TEST(lead_event, parses_the_design_example) {
  const auto j = json::parse(R"({"event_id":"zalo:msg:8a1f","source":"zalo-main","channel":"zalo",
    "received_at":"2026-11-22T03:00:00.123Z","occurred_at":"2026-11-22T03:00:00Z",
    "contact":{"full_name":"Nguyễn Thị Lan","family_name":"Nguyễn","given_name":"Thị Lan",
               "phones":["+84912345678"],"emails":["lan@example.com"],
               "ids":{"zalo":"2468458835296979220"},"city":"Hà Nội","address":"12 Lê Lợi"},
    "interest":{"program":"IELTS","campus":"cau-giay"},
    "campaign":{"utm_source":"facebook","utm_campaign":"ielts-t11","page_url":"p","referrer":"r"},
    "message":"Học phí lớp IELTS?","consent":{"marketing":true},
    "raw_ref":"lg:{t}:raw:1"})");
  const auto e = j.get<lead_event>();
  EXPECT_EQ(e.chan, channel::zalo);
  EXPECT_EQ(e.contact.given_name, "Th\xE1\xBB\x8B Lan");
  EXPECT_EQ(e.contact.ids.at("zalo"), "2468458835296979220");
  EXPECT_EQ(e.campaign.utm.at("utm_campaign"), "ielts-t11");
  EXPECT_EQ(e.campaign.utm.size(), 2u);
  EXPECT_EQ(e.campaign.page_url, "p");
  EXPECT_TRUE(e.consent.at("marketing"));
  EXPECT_EQ(json(e), j) << "re-serialization must give back the same document";
}

struct bad_case {
  std::string_view name;
  std::string_view text;
};

constexpr bad_case bad_cases[] = {
    {"unknown channel", R"({"channel":"telegram"})"},
    {"channel case matters", R"({"channel":"Zalo"})"},
    {"missing channel", R"({"event_id":"x"})"},
    {"channel not a string", R"({"channel":3})"},
    {"not an object", R"(["zalo"])"},
    {"contact not an object", R"({"channel":"sms","contact":"Lan"})"},
    {"client not an object", R"({"channel":"sms","client":[1]})"},
    {"phones not strings", R"({"channel":"sms","contact":{"phones":[1]}})"},
    {"consent not bool", R"({"channel":"sms","consent":{"marketing":"yes"}})"},
    {"utm not a string", R"({"channel":"sms","campaign":{"utm_source":1}})"},
};

TEST(lead_event, malformed_json_is_rejected) {
  for (const auto& c : bad_cases) {
    SCOPED_TRACE(std::string(c.name));
    const auto j = json::parse(c.text);
    EXPECT_THROW((void)j.get<lead_event>(), json::exception);
  }
}

TEST(lead_event, null_members_read_as_absent) {
  const auto e = json::parse(R"({"channel":"api","contact":null,"message":null,"consent":null})")
                     .get<lead_event>();
  EXPECT_EQ(e.chan, channel::api);
  EXPECT_TRUE(e.message.empty());
  EXPECT_TRUE(e.contact.phones.empty());
}

TEST(lead_event, channel_names_round_trip) {
  constexpr std::pair<channel, std::string_view> names[] = {
      {channel::web_form, "web_form"}, {channel::landing_page, "landing_page"},
      {channel::zalo, "zalo"}, {channel::facebook_messenger, "facebook_messenger"},
      {channel::facebook_lead_ads, "facebook_lead_ads"}, {channel::hotline, "hotline"},
      {channel::sms, "sms"}, {channel::email, "email"}, {channel::api, "api"},
      {channel::import, "import"},
  };
  for (const auto& [c, name] : names) {
    SCOPED_TRACE(std::string(name));
    EXPECT_EQ(to_string(c), name);
    EXPECT_EQ(channel_from_string(name), c);
  }
  EXPECT_EQ(channel_from_string(""), std::nullopt);
  EXPECT_EQ(channel_from_string("facebook"), std::nullopt);
}

}  // namespace
}  // namespace lg::core
