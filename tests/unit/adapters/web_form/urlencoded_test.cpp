// adapters/web_form/urlencoded.cpp and the shared field bounds (field_collector.cpp).
#include "adapters/web_form/field_collector.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace lg::adapters::web_form {
namespace {

using core::errc;

TEST(ParseUrlencoded, DecodesPlusAndPercentInOrder) {
  const auto f = parse_urlencoded("ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=0912%20345%20678&x=a%2Bb&empty=&flag", 10, 100);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(*f, (field_list{{"ho_ten", "Nguyễn Văn An"}, {"sdt", "0912 345 678"}, {"x", "a+b"}, {"empty", ""}, {"flag", ""}}));
}

TEST(ParseUrlencoded, RawUtf8AndEmptyPairs) {
  // curl -d 'name=Nguyễn Văn An' sends the bytes unencoded.
  const auto f = parse_urlencoded("&&name=Nguyễn Văn An&&=orphan&", 10, 100);
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, (field_list{{"name", "Nguyễn Văn An"}}));
  EXPECT_TRUE(parse_urlencoded("", 10, 100)->empty());
}

struct bad_body {
  const char* body;
  errc code;
  const char* field;
  const char* message;
};

// Shown by gtest when a row fails.
void PrintTo(const bad_body& c, std::ostream* os) { *os << c.body; }

class ParseUrlencodedErrors : public ::testing::TestWithParam<bad_body> {};

TEST_P(ParseUrlencodedErrors, NameTheField) {
  const auto& row = GetParam();
  test_support::expect_error(parse_urlencoded(row.body, 3, 8), row.code, row.field, row.message, row.body);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseUrlencodedErrors,
    ::testing::Values(
        bad_body{"a=1&phone=09%G1", errc::bad_request, "phone", "malformed %-escape in field 'phone'"},
        bad_body{"phone=091%", errc::bad_request, "phone", "malformed %-escape in field 'phone'"},
        bad_body{"phone=091%4", errc::bad_request, "phone", "malformed %-escape in field 'phone'"},
        bad_body{"na%zzme=1", errc::bad_request, "na%zzme", "malformed %-escape in a field name"},
        bad_body{"name=%C3%28", errc::bad_request, "name", "field 'name' is not valid UTF-8"},
        bad_body{"name=%FF", errc::bad_request, "name", "field 'name' is not valid UTF-8"},
        bad_body{"n%FFme=a", errc::bad_request, "", "a field name is not valid UTF-8"},
        bad_body{"message=123456789", errc::payload_too_large, "message", "field 'message' is longer than 8 bytes"},
        bad_body{"a=1&b=2&c=3&d=4", errc::payload_too_large, "d", "more than 3 fields"}));

TEST(ParseUrlencoded, LengthBoundIsOnDecodedBytes) {
  EXPECT_TRUE(parse_urlencoded("m=%41%41%41%41%41%41%41%41", 3, 8));  // 8 bytes decoded
  EXPECT_FALSE(parse_urlencoded("m=%41%41%41%41%41%41%41%41%41", 3, 8));
}

TEST(ParseUrlencoded, OverlongFieldNameIs413) {
  const auto f = parse_urlencoded(std::string(300, 'n') + "=1", 3, 8);
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, errc::payload_too_large);
  EXPECT_EQ(f.error().field, "");
}

TEST(QueryParam, FindsFirstDecoded) {
  EXPECT_EQ(detail::query_param("a=1&token=ab%2Bc&token=zz", "token"), "ab+c");
  EXPECT_EQ(detail::query_param("token", "token"), "");
  EXPECT_FALSE(detail::query_param("tokens=1", "token"));
  EXPECT_FALSE(detail::query_param("", "token"));
}

}  // namespace
}  // namespace lg::adapters::web_form
