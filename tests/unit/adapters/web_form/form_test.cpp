// adapters/web_form/form.cpp, field_mapper.cpp, presets.cpp: one post -> one lead event.
#include "adapters/web_form/field_mapper.hpp"
#include "adapters/web_form/web_form.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string_view>

namespace lg::adapters::web_form {
namespace {

using core::errc;

// The "website" source of config/leadgate.json, written out so the test does not depend on the file.
config::source_config website() {
  config::source_config s;
  s.id = "website";
  s.channel = "web_form";
  s.field_map = {{"full_name", {"ho_ten", "name", "fullname", "full_name", "ten"}},
                 {"phone", {"sdt", "phone", "tel", "so_dien_thoai", "phone_number", "mobile"}},
                 {"email", {"email", "mail"}},
                 {"interest.program", {"program", "khoa_hoc"}},
                 {"interest.campus", {"campus", "co_so", "chi_nhanh"}},
                 {"city", {"city", "tinh", "thanh_pho"}},
                 {"address", {"address", "dia_chi"}},
                 {"message", {"message", "ghi_chu", "noi_dung"}}};
  s.required = {"full_name", "phone|email"};
  s.honeypot = "website_url";
  return s;
}

inbound_request post(std::string content_type, std::string body) {
  auto r = test_support::post("/v1/forms/website", std::move(body), std::move(content_type));
  r.source_id = "website";
  r.remote_ip = "203.0.113.7";
  r.user_agent = "Mozilla/5.0";
  return r;
}

constexpr const char* form_ct = "application/x-www-form-urlencoded";

std::string fixture(const std::string& name) { return test_support::fixture("forms", name); }

TEST(ParseForm, UrlencodedVietnameseLead) {
  const auto r = parse_form(website(), post(form_ct,
                                            "Ho_Ten=nguy%E1%BB%85n+v%C4%83n+an&SDT=0912+345+678&email=An@Example.COM"
                                            "&khoa_hoc=IELTS&co_so=C%E1%BA%A7u+Gi%E1%BA%A5y&ghi_chu=H%E1%BB%8Dc+ph%C3%AD%3F"
                                            "&utm_source=facebook&utm_campaign=ielts-t11&gclid=abc&website_url="));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->honeypot);
  const auto& e = r->event;
  EXPECT_EQ(e.source, "website");
  EXPECT_EQ(e.chan, core::channel::web_form);
  test_support::expect_name(e.contact, "Nguyễn Văn An", "Nguyễn", "Văn An");
  EXPECT_EQ(e.contact.phones, std::vector<std::string>{"+84912345678"});
  EXPECT_EQ(e.contact.emails, std::vector<std::string>{"an@example.com"});
  EXPECT_EQ(e.interest.at("program"), "IELTS");
  EXPECT_EQ(e.interest.at("campus"), "Cầu Giấy");
  EXPECT_EQ(e.message, "Học phí?");
  EXPECT_EQ(e.campaign.utm.at("utm_source"), "facebook");
  EXPECT_EQ(e.campaign.utm.at("utm_campaign"), "ielts-t11");
  EXPECT_EQ(e.extra, (std::map<std::string, std::string>{{"gclid", "abc"}}));
  EXPECT_EQ(e.received_at, "2026-11-22T03:00:00.123Z");
  EXPECT_EQ(e.occurred_at, "2026-11-22T03:00:00.123Z");
  EXPECT_EQ(e.client.ip, "203.0.113.7");
  EXPECT_EQ(e.client.user_agent, "Mozilla/5.0");
  EXPECT_TRUE(e.event_id.starts_with("web_form:"));
  EXPECT_EQ(e.event_id.size(), 9u + 32u);
}

TEST(ParseForm, NfdInputBecomesNfc) {
  // "Nguyễn Văn An" typed with combining marks (macOS, some Vietnamese IMEs).
  const auto r = parse_form(website(), post("application/json; charset=UTF-8",
                                            "{\"ho_ten\":\"Nguye\u0302\u0303n Va\u0306n An\",\"sdt\":\"0912345678\"}"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->event.contact.full_name, "Nguyễn Văn An");
  EXPECT_EQ(r->event.contact.family_name, "Nguyễn");
}

TEST(ParseForm, MultipartFixture) {
  const auto r = parse_form(website(), post("multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
                                            fixture("multipart_browser.txt")));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->event.contact.full_name, "Nguyễn Văn An");
  EXPECT_EQ(r->event.contact.phones, std::vector<std::string>{"+84912345678"});
  EXPECT_EQ(r->event.interest.at("program"), "IELTS 6.5");
  EXPECT_EQ(r->event.message, "Cho em hỏi học phí\nlớp buổi tối");
  EXPECT_TRUE(r->event.extra.empty());  // the file part is not kept
}

TEST(ParseForm, SameLeadInEveryContentTypeHasOneEventId) {
  const auto src = website();
  const auto a = parse_form(src, post(form_ct, "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=0912345678"));
  const auto b = parse_form(src, post("text/json", R"({"name":"  NGUYỄN   văn an ","phone":"+84 912 345 678"})"));
  const auto c = parse_form(src, post("multipart/form-data; boundary=b",
                                      "--b\r\nContent-Disposition: form-data; name=\"tel\"\r\n\r\n84912345678\r\n"
                                      "--b\r\nContent-Disposition: form-data; name=\"ten\"\r\n\r\nNguyễn Văn An\r\n--b--"));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->event.event_id, b->event.event_id);
  EXPECT_EQ(a->event.event_id, c->event.event_id);
  // A double-click later with another IP is the same submission.
  auto again = post(form_ct, "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=0912345678&utm_source=x");
  again.remote_ip = "198.51.100.1";
  again.received_at = "2026-11-22T03:00:01.000Z";
  EXPECT_EQ(parse_form(src, again)->event.event_id, a->event.event_id);
  // Another person, another program or another message is another lead.
  for (const char* body : {"ho_ten=Nguy%E1%BB%85n+V%C4%83n+Binh&sdt=0912345678",
                           "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=0912345679",
                           "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=0912345678&khoa_hoc=TOEIC",
                           "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=0912345678&ghi_chu=hi"})
    EXPECT_NE(parse_form(src, post(form_ct, body))->event.event_id, a->event.event_id) << body;
  // The source is part of it: the same post to another form is another lead.
  auto other = src;
  other.id = "website-2";
  EXPECT_NE(parse_form(other, post(form_ct, "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=0912345678"))->event.event_id,
            a->event.event_id);
}

TEST(ParseForm, FieldMappingIsCaseInsensitive) {
  const auto r = parse_form(website(), post(form_ct, "FULLNAME=An&Phone_Number=0912345678&EMAIL=a@b.vn&Dia_Chi=12+L%C3%AA+L%E1%BB%A3i"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->event.contact.full_name, "An");
  EXPECT_EQ(r->event.contact.phones.size(), 1u);
  EXPECT_EQ(r->event.contact.emails, std::vector<std::string>{"a@b.vn"});
  EXPECT_EQ(r->event.contact.address, "12 Lê Lợi");
}

TEST(ParseForm, HoneypotFilledIsFlaggedNotRejected) {
  const auto r = parse_form(website(), post(form_ct, "ho_ten=Bot&sdt=0912345678&Website_URL=http%3A%2F%2Fspam.example"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->honeypot);
  EXPECT_TRUE(r->event.event_id.empty());
  // Blank (spaces) is what a person leaves it as.
  const auto person = parse_form(website(), post(form_ct, "ho_ten=An&sdt=0912345678&website_url=+"));
  ASSERT_TRUE(person);
  EXPECT_FALSE(person->honeypot);
  EXPECT_FALSE(person->event.extra.contains("website_url"));
}

struct required_case {
  const char* body;
  errc code;
  const char* field;
  const char* message;  // empty: not checked
};

class ParseFormRequired : public ::testing::TestWithParam<required_case> {};

TEST_P(ParseFormRequired, Table) {
  const auto& row = GetParam();
  test_support::expect_error(parse_form(website(), post(form_ct, row.body)), row.code, row.field,
                             *row.message ? std::optional<std::string_view>(row.message) : std::nullopt, row.body);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseFormRequired,
    ::testing::Values(
        required_case{"sdt=0912345678", errc::missing_field, "full_name", "required field 'full_name' is missing"},
        required_case{"ho_ten=+++&sdt=0912345678", errc::missing_field, "full_name", ""},
        required_case{"ho_ten=An", errc::missing_field, "phone", "one of the fields 'phone', 'email' is required"},
        required_case{"ho_ten=An&sdt=&email=", errc::missing_field, "phone", ""},
        required_case{"ho_ten=An&sdt=12", errc::invalid_field, "phone", ""},
        required_case{"ho_ten=An&sdt=abc", errc::invalid_field, "phone", ""},
        required_case{"ho_ten=An&email=not-an-email", errc::invalid_field, "email", ""}));

TEST(ParseForm, InvalidPhoneIsKeptWhenEmailSatisfiesRequired) {
  const auto r = parse_form(website(), post(form_ct, "ho_ten=An&sdt=12&email=an@example.com"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->event.contact.phones.empty());
  EXPECT_EQ(r->event.contact.invalid_phones, std::vector<std::string>{"12"});
}

TEST(ParseForm, SeveralPhonesAreDeduplicated) {
  auto src = website();
  src.field_map["phone"].push_back("sdt_phu_huynh");
  const auto r = parse_form(src, post(form_ct, "ho_ten=An&sdt=0912345678&sdt_phu_huynh=01691234567&tel=84912345678"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->event.contact.phones, (std::vector<std::string>{"+84912345678", "+84391234567"}));
}

TEST(ParseForm, ContentTypeChoice) {
  struct row {
    const char* type;
    bool ok;
  };
  for (const auto& [type, ok] : {row{"application/x-www-form-urlencoded; charset=UTF-8", true},
                                 row{"Application/X-WWW-Form-Urlencoded", true},
                                 row{"text/plain", false},
                                 row{"", false},
                                 row{"application/xml", false},
                                 row{"application/x-www-form-urlencoded; charset=iso-8859-1", false}}) {
    const auto r = parse_form(website(), post(type, "ho_ten=An&sdt=0912345678"));
    EXPECT_EQ(r.has_value(), ok) << type;
    if (!ok) {
      EXPECT_EQ(r.error().code, errc::unsupported_media_type) << type;
      EXPECT_EQ(r.error().field, "content-type");
    }
  }
  EXPECT_TRUE(parse_form(website(), post("application/vnd.api+json", R"({"name":"An","sdt":"0912345678"})")));
}

TEST(ParseForm, ParserErrorsPassThrough) {
  const auto arr = parse_form(website(), post("application/json", R"([{"name":"An"}])"));
  ASSERT_FALSE(arr);
  EXPECT_EQ(arr.error().message, "JSON body must be an object");
  const auto bad = parse_form(website(), post(form_ct, "ho_ten=%ZZ"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "ho_ten");
  auto small = website();
  small.max_field_length = 10;
  const auto big = parse_form(small, post(form_ct, "ho_ten=An&sdt=0912345678&ghi_chu=" + std::string(11, 'x')));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, errc::payload_too_large);
  EXPECT_EQ(big.error().field, "ghi_chu");
}

TEST(ParseForm, LadipageFlatJson) {
  config::source_config s;
  s.id = "ladipage";
  s.channel = "landing_page";
  s.preset = "ladipage";
  s.required = {"phone|email"};
  const auto r = parse_form(s, post("application/json", fixture("ladipage_flat.json")));
  ASSERT_TRUE(r) << r.error().message;
  const auto& e = r->event;
  EXPECT_EQ(e.chan, core::channel::landing_page);
  EXPECT_EQ(e.contact.full_name, "Nguyễn Thị Lan");
  EXPECT_EQ(e.contact.given_name, "Thị Lan");
  EXPECT_EQ(e.contact.phones, std::vector<std::string>{"+84912345678"});
  EXPECT_EQ(e.contact.emails, std::vector<std::string>{"lan@example.com"});
  EXPECT_EQ(e.contact.address, "12 Lê Lợi, Hà Nội");
  EXPECT_EQ(e.campaign.utm.at("utm_source"), "facebook");
  EXPECT_EQ(e.campaign.utm.at("utm_medium"), "cpc");  // from the page URL's query
  EXPECT_EQ(e.campaign.page_url, "https://ielts.example.vn/?utm_medium=cpc");
  EXPECT_EQ(e.extra.at("ad_id"), "6123456789");
}

TEST(ParseForm, LadipageFormDataArrayWithOwnMapOnTop) {
  config::source_config s;
  s.id = "ladipage";
  s.channel = "landing_page";
  s.preset = "ladipage";
  s.field_map = {{"interest.program", {"khoa_hoc"}}, {"extra.ten_goi", {"name"}}};  // the source's map wins
  const auto r = parse_form(s, post("application/json", fixture("ladipage_form_data.json")));
  ASSERT_TRUE(r) << r.error().message;
  const auto& e = r->event;
  EXPECT_EQ(e.contact.full_name, "");
  EXPECT_EQ(e.extra.at("ten_goi"), "Nguyễn Thị Lan");
  EXPECT_EQ(e.contact.phones, std::vector<std::string>{"+84912345678"});
  EXPECT_EQ(e.interest.at("program"), "IELTS");
  EXPECT_EQ(e.campaign.utm.at("utm_campaign"), "ielts-t11");
  EXPECT_EQ(e.extra.at("ad_id"), "6123456789");
}

TEST(ParseForm, GenericPresetNestedJsonAndNamesSplitByFamilyGiven) {
  config::source_config s;
  s.id = "api-form";
  s.channel = "web_form";
  const auto r = parse_form(s, post("application/json", R"({"family_name":"trần","given_name":"thị  mai",
      "interest":{"program":"Toán"},"consent":{"marketing":"on","sms":"0"},"page_url":"https://x.vn/a",
      "referrer":"https://google.com/","utm_source":"google"})"));
  ASSERT_TRUE(r) << r.error().message;
  const auto& e = r->event;
  test_support::expect_name(e.contact, "Trần Thị Mai", "Trần", "Thị Mai");
  EXPECT_EQ(e.interest.at("program"), "Toán");
  EXPECT_EQ(e.consent, (std::map<std::string, bool>{{"marketing", true}, {"sms", false}}));
  EXPECT_EQ(e.campaign.page_url, "https://x.vn/a");
  EXPECT_EQ(e.campaign.referrer, "https://google.com/");
  EXPECT_EQ(e.campaign.utm.at("utm_source"), "google");
}

TEST(ParseForm, RefererHeaderStandsInForPageUrl) {
  auto req = post(form_ct, "ho_ten=An&sdt=0912345678");
  req.headers = {{"referer", "https://www.example.edu.vn/dang-ky?utm_source=zalo&utm_campaign=t11"}};
  const auto r = parse_form(website(), req);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->event.campaign.page_url, "https://www.example.edu.vn/dang-ky?utm_source=zalo&utm_campaign=t11");
  EXPECT_EQ(r->event.campaign.referrer, "");
  EXPECT_EQ(r->event.campaign.utm.at("utm_source"), "zalo");
  // A page_url field wins over the header.
  req.body += "&page_url=https%3A%2F%2Fa.vn%2F";
  EXPECT_EQ(parse_form(website(), req)->event.campaign.page_url, "https://a.vn/");
}

TEST(ParseForm, MessageKeepsLineBreaksAndJoinsSeveralFields) {
  auto src = website();
  const auto r = parse_form(src, post(form_ct, "ho_ten=An&sdt=0912345678&ghi_chu=d%C3%B2ng+1%0D%0A%0D%0Ad%C3%B2ng++2&noi_dung=th%C3%AAm"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->event.message, "dòng 1\ndòng 2\nthêm");
}

TEST(ConsentValue, Table) {
  for (const char* yes : {"on", "1", "true", "Yes", "có", "x"}) EXPECT_TRUE(detail::consent_value(yes)) << yes;
  for (const char* no : {"", " ", "0", "false", "NO", "off", "không", "Khong"}) EXPECT_FALSE(detail::consent_value(no)) << no;
}

TEST(ParseForm, RequiredConsentMustBeTicked) {
  auto src = website();
  src.field_map["consent.terms"] = {"dong_y"};
  src.required.push_back("consent.terms");
  EXPECT_TRUE(parse_form(src, post(form_ct, "ho_ten=An&sdt=0912345678&dong_y=on")));
  const auto r = parse_form(src, post(form_ct, "ho_ten=An&sdt=0912345678&dong_y=0"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "consent.terms");
}

}  // namespace
}  // namespace lg::adapters::web_form
