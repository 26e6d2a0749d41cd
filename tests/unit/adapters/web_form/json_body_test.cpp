// adapters/web_form/json_body.cpp
#include "adapters/web_form/web_form.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace lg::adapters::web_form {
namespace {

using core::errc;

std::expected<field_list, core::error> parse(std::string_view body, std::size_t max_fields = 20,
                                             std::size_t max_len = 100) {
  return parse_json(body, max_fields, max_len);
}

TEST(ParseJson, ScalarsBecomeStrings) {
  const auto f = parse(R"({"name":"Nguyễn Văn An","age":17,"big":18446744073709551615,"neg":-3,"score":6.5,
                           "consent":true,"nothing":null})");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(*f, (field_list{{"age", "17"},
                            {"big", "18446744073709551615"},
                            {"consent", "true"},
                            {"name", "Nguyễn Văn An"},
                            {"neg", "-3"},
                            {"score", "6.5"}}));
}

TEST(ParseJson, NestedObjectsFlattenWithDots) {
  const auto f = parse(R"({"contact":{"name":"An","phones":["0912345678","0987654321"]},"interest":{"program":"IELTS"}})");
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, (field_list{{"contact.name", "An"},
                            {"contact.phones", "0912345678"},
                            {"contact.phones", "0987654321"},
                            {"interest.program", "IELTS"}}));
}

TEST(ParseJson, NameValueListsBecomeFieldsByName) {
  const auto f = parse(R"({"form_data":[{"name":"name","value":"Lan"},{"name":"age","value":17},{"name":"note"},
                                       {"name":"tags","value":["a"]}],"utm_source":"fb"})");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(*f, (field_list{{"name", "Lan"}, {"age", "17"}, {"note", ""}, {"tags", "[\"a\"]"}, {"utm_source", "fb"}}));
}

TEST(ParseJson, OtherArraysAreKeptAsJsonText) {
  const auto f = parse(R"({"items":[{"sku":"A1"},2]})");
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, (field_list{{"items", R"([{"sku":"A1"},2])"}}));
}

struct bad_case {
  std::string body;
  errc code;
  std::string message;
  std::string field;
};

// Shown by gtest when a row fails.
void PrintTo(const bad_case& c, std::ostream* os) { *os << c.body; }

class ParseJsonErrors : public ::testing::TestWithParam<bad_case> {};

TEST_P(ParseJsonErrors, Table) {
  const auto& row = GetParam();
  test_support::expect_error(parse(row.body, 3, 8), row.code, row.field, row.message, row.body);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseJsonErrors,
    ::testing::Values(
        bad_case{R"([{"name":"An"}])", errc::bad_request, "JSON body must be an object", ""},
        bad_case{R"("text")", errc::bad_request, "JSON body must be an object", ""},
        bad_case{R"({"name":)", errc::bad_request, "body is not valid JSON (at byte 9)", ""},
        bad_case{"", errc::bad_request, "body is not valid JSON (at byte 1)", ""},
        bad_case{"{\"name\":\"\xFF\"}", errc::bad_request, "body is not valid JSON (at byte 10)", ""},
        bad_case{std::string(33, '[') + std::string(33, ']'), errc::bad_request,
                 "JSON body is nested deeper than 32 levels", ""},
        bad_case{R"({"message":"123456789"})", errc::payload_too_large, "field 'message' is longer than 8 bytes",
                 "message"},
        bad_case{R"({"a":1,"b":2,"c":3,"d":4})", errc::payload_too_large, "more than 3 fields", "d"},
        bad_case{R"({"form_data":[{"name":"a","value":1},{"name":"b"},{"name":"c"},{"name":"d"}]})",
                 errc::payload_too_large, "more than 3 fields", "d"}));

TEST(ParseJson, BracketsInsideStringsDoNotCountAsNesting) {
  const auto f = parse(R"({"m":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{"})", 3, 200);
  ASSERT_TRUE(f) << f.error().message;
}

}  // namespace
}  // namespace lg::adapters::web_form
