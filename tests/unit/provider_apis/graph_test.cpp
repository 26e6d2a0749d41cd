// Graph API replies and the Lead Ads mapping (provider_apis/graph.hpp): error classes, the leads
// page with its paging link, field_data through the source's field_map then Lead Ads' names,
// and the Messenger profile: its request, its reply, the name it gives a touch.
#include "provider_apis/graph.hpp"

#include <gtest/gtest.h>

namespace lg::provider_apis::graph {
namespace {

api_options options(nlohmann::json extra = nlohmann::json::object()) {
  extra["page_token"] = "t";
  return *parse_api_options(extra, "fb", "sources[0].options");
}

TEST(GraphReplies, ErrorsAreClassified) {
  struct row {
    unsigned status;
    const char* body;
    failure kind;
  };
  for (const auto& r : {row{400, R"({"error":{"message":"Invalid OAuth access token.","code":190}})", failure::auth},
                        row{400, R"({"error":{"message":"does not exist","code":100}})", failure::permanent},
                        row{400, R"({"error":{"message":"User request limit reached","code":17}})", failure::transient},
                        row{500, "oops", failure::transient},
                        row{200, "cut", failure::transient}}) {
    auto j = parse_reply(r.status, r.body);
    ASSERT_FALSE(j.has_value()) << r.body;
    EXPECT_EQ(j.error().kind, r.kind) << r.body;
  }
}

TEST(GraphReplies, LeadsPageHasLeadsAndNext) {
  auto p = parse_leads_page(200, R"({"data":[{"id":"1"},{"id":"2"}],"paging":{"next":"https://g.test/v19.0/5/leads?after=x"}})");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->leads.size(), 2u);
  EXPECT_EQ(p->next, "https://g.test/v19.0/5/leads?after=x");
  auto last = parse_leads_page(200, R"({"data":[]})");
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(last->next.empty());
  EXPECT_FALSE(parse_leads_page(200, R"({"paging":{}})").has_value());
}

TEST(GraphLeads, FieldDataIsMappedByConfigThenLeadAdsNames) {
  auto opt = options({{"field_map", {{"interest.program", {"khoa_hoc"}}, {"phone", {"so_dt"}}}}});
  auto lead = nlohmann::json::parse(R"({"id":"900","created_time":"2024-05-29T10:00:00+0000","campaign_name":"ielts-t11",
      "field_data":[{"name":"full_name","values":["trần văn minh"]},{"name":"so_dt","values":["0987 654 321"]},
                    {"name":"email","values":["Minh@Example.com"]},{"name":"khoa_hoc","values":["IELTS"]},
                    {"name":"ghi_chu","values":["gọi buổi tối"]}]})");
  core::lead_event e;
  ASSERT_TRUE(apply_lead(lead, opt, e));
  EXPECT_EQ(e.contact.full_name, "Trần Văn Minh");
  EXPECT_EQ(e.contact.family_name, "Trần");
  EXPECT_EQ(e.contact.phones, std::vector<std::string>{"+84987654321"});
  EXPECT_EQ(e.contact.emails, std::vector<std::string>{"minh@example.com"});
  EXPECT_EQ(e.interest.at("program"), "IELTS");
  EXPECT_EQ(e.extra.at("ghi_chu"), "gọi buổi tối");
  EXPECT_EQ(e.campaign.utm.at("utm_campaign"), "ielts-t11");
  EXPECT_EQ(e.occurred_at, "2024-05-29T10:00:00.000Z");
  core::lead_event none;
  EXPECT_FALSE(apply_lead(nlohmann::json::parse(R"({"id":"1"})"), opt, none));
}

TEST(GraphLeads, FirstAndLastNamesMakeAVietnameseFullName) {
  auto lead = nlohmann::json::parse(R"({"id":"1","field_data":[{"name":"first_name","values":["Thị Lan"]},
      {"name":"last_name","values":["Nguyễn"]},{"name":"phone_number","values":["+84912345678"]}]})");
  core::lead_event e;
  ASSERT_TRUE(apply_lead(lead, options(), e));
  EXPECT_EQ(e.contact.full_name, "Nguyễn Thị Lan");
  EXPECT_EQ(e.contact.given_name, "Thị Lan");
}

TEST(GraphRequests, LeadsUrlCarriesTheTimeFilter) {
  auto opt = options({{"graph_base_url", "https://g.test/v19.0"}});
  const auto url = leads_url(opt, "555", 1717000000);
  EXPECT_TRUE(url.starts_with("https://g.test/v19.0/555/leads?fields=")) << url;
  EXPECT_NE(url.find("&filtering=%5B%7B%22field%22%3A%22time_created%22%2C%22operator%22%3A%22GREATER_THAN%22%2C%22value%22%3A1717000000%7D%5D"),
            std::string::npos)
      << url;
  EXPECT_EQ(url.find("access_token"), std::string::npos);
  EXPECT_EQ(graph_time("2024-05-29T10:00:00+0000"), 1716976800);
  EXPECT_EQ(graph_time("2024-05-29T17:00:00+0700"), 1716976800);
}

TEST(GraphProfiles, UrlAsksForTheNamesWithoutTheToken) {
  auto opt = options({{"graph_base_url", "https://g.test/v19.0/"}});
  EXPECT_EQ(profile_url(opt, "24680135790001"), "https://g.test/v19.0/24680135790001?fields=first_name,last_name,name");
  EXPECT_EQ(profile_url(opt, "a/b?c"), "https://g.test/v19.0/a%2Fb%3Fc?fields=first_name,last_name,name");
}

TEST(GraphProfiles, ReplyGivesNormalizedNamesAndDropsUnusableOnes) {
  auto p = parse_profile_reply(200, R"({"first_name":"LAN","last_name":"nguyễn","name":"  Lan   Nguyễn ","id":"1"})");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->first_name, "Lan");
  EXPECT_EQ(p->last_name, "Nguyễn");
  EXPECT_EQ(p->name, "Lan Nguyễn");

  auto q = parse_profile_reply(200, R"({"name":"Lan","first_name":["Lan"],"last_name":7})");
  ASSERT_TRUE(q.has_value());
  EXPECT_EQ(q->name, "Lan");
  EXPECT_EQ(q->first_name, "");
  EXPECT_EQ(q->last_name, "");
  auto longer = parse_profile_reply(200, nlohmann::json{{"name", std::string(300, 'a')}}.dump());
  ASSERT_TRUE(longer.has_value());
  EXPECT_EQ(longer->name, "");
  auto empty = parse_profile_reply(200, R"({"id":"1"})");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->name.empty() && empty->first_name.empty() && empty->last_name.empty());
}

TEST(GraphProfiles, ErrorsInTheBodyAreFailuresEvenWithA200) {
  struct row {
    unsigned status;
    const char* body;
    failure kind;
  };
  for (const auto& r : {row{200, R"({"error":{"message":"Error validating access token","code":190}})", failure::auth},
                        row{200, R"({"error":{"message":"session invalid","code":102}})", failure::auth},
                        row{200, R"({"error":{"message":"Application request limit reached","code":4}})", failure::transient},
                        row{200, R"({"error":{"message":"(#100) No profile available for this user","code":100}})",
                            failure::permanent},
                        row{400, R"({"error":{"message":"Invalid OAuth access token.","code":190}})", failure::auth},
                        row{503, "", failure::transient},
                        row{200, R"(["first_name"])", failure::transient},
                        row{200, "{\"name\":\"Lan \xff\"}", failure::transient}}) {  // not UTF-8: garbled
    auto p = parse_profile_reply(r.status, r.body);
    ASSERT_FALSE(p.has_value()) << r.body;
    EXPECT_EQ(p.error().kind, r.kind) << r.body;
  }
}

TEST(GraphProfiles, TheNameIsFamilyFirstAndFillsOnlyAnUnnamedContact) {
  struct row {
    user_profile p;
    const char* full;
    const char* family;
    const char* given;
  };
  for (const auto& r : {row{{"Lan Nguyễn", "Lan", "Nguyễn"}, "Nguyễn Lan", "Nguyễn", "Lan"},
                        row{{"Nguyễn Thị Lan", "Lan", "Nguyễn"}, "Nguyễn Thị Lan", "Nguyễn", "Thị Lan"},
                        row{{"Thị Lan Nguyễn", "Thị Lan", "Nguyễn"}, "Nguyễn Thị Lan", "Nguyễn", "Thị Lan"},
                        row{{"", "Thị Lan", "Nguyễn"}, "Nguyễn Thị Lan", "Nguyễn", "Thị Lan"},
                        row{{"Bé Na", "", ""}, "Bé Na", "Bé", "Na"},
                        row{{"Nana", "Lan", "Trần"}, "Trần Lan", "Trần", "Lan"},
                        row{{"", "", "Trần"}, "Trần", "Trần", ""},
                        row{{"", "Lan", ""}, "Lan", "", "Lan"}}) {
    core::lead_event e;
    e.contact.ids["facebook"] = "24680135790001";
    ASSERT_TRUE(apply_profile(r.p, e)) << r.p.name;
    EXPECT_EQ(e.contact.full_name, r.full) << r.p.name;
    EXPECT_EQ(e.contact.family_name, r.family) << r.p.name;
    EXPECT_EQ(e.contact.given_name, r.given) << r.p.name;
    // A name, nothing more: no phone, email or new id comes from a profile.
    EXPECT_TRUE(e.contact.phones.empty() && e.contact.emails.empty());
    EXPECT_EQ(e.contact.ids.size(), 1u);
  }
  core::lead_event none;
  EXPECT_FALSE(apply_profile({}, none));
  EXPECT_TRUE(none.contact.full_name.empty());

  core::lead_event named;
  named.contact.full_name = "Nguyễn Thị Lan";
  EXPECT_FALSE(apply_profile({"Bé Na", "Na", "Bé"}, named));
  EXPECT_EQ(named.contact.full_name, "Nguyễn Thị Lan");
  EXPECT_TRUE(named.contact.family_name.empty());
}

}  // namespace
}  // namespace lg::provider_apis::graph
