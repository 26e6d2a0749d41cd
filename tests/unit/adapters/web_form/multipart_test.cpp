// adapters/web_form/multipart.cpp and header_params.cpp.
#include "adapters/web_form/header_params.hpp"
#include "adapters/web_form/web_form.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace lg::adapters::web_form {
namespace {

using core::errc;

std::string crlf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

constexpr const char* ct = "multipart/form-data; boundary=XyZ";

std::expected<field_list, core::error> parse(std::string_view body, std::string_view type = ct,
                                             std::size_t max_fields = 10, std::size_t max_len = 100) {
  return parse_multipart(body, type, max_fields, max_len);
}

TEST(ParseMultipart, BrowserBodyFromFixture) {
  const auto f = parse(test_support::fixture("forms", "multipart_browser.txt"),
                       "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW");
  ASSERT_TRUE(f) << f.error().message;
  // The file part "cv" is skipped; the multi-line value keeps its inner CRLF.
  EXPECT_EQ(*f, (field_list{{"ho_ten", "Nguyễn Văn An"},
                            {"sdt", "0912 345 678"},
                            {"khoa_hoc", "IELTS 6.5"},
                            {"ghi_chu", "Cho em hỏi học phí\r\nlớp buổi tối"}}));
}

TEST(ParseMultipart, QuotedBoundaryPreambleEpilogueAndPadding) {
  const auto body = crlf(
      "This is the preamble, ignored.\n"
      "--a b:c  \n"
      "content-disposition: FORM-DATA; name=\"full name\"\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "\n"
      "An\n"
      "--a b:c--\n"
      "epilogue --a b:c\n");
  const auto f = parse(body, "Multipart/Form-Data; charset=utf-8; boundary=\"a b:c\"");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(*f, (field_list{{"full name", "An"}}));
}

TEST(ParseMultipart, EmptyValuesAndEscapedQuoteInName) {
  const auto body = crlf(
      "--XyZ\n"
      "Content-Disposition: form-data; name=\"a\\\"b\"\n"
      "\n"
      "\n"
      "--XyZ\n"
      "Content-Disposition: form-data; name=c\n"
      "\n"
      "3\n"
      "--XyZ--");
  const auto f = parse(body);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(*f, (field_list{{"a\"b", ""}, {"c", "3"}}));
}

TEST(ParseMultipart, BareLfLineEndingsAreAccepted) {
  const auto f = parse("--XyZ\nContent-Disposition: form-data; name=\"sdt\"\n\n0912345678\n--XyZ--\n");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(*f, (field_list{{"sdt", "0912345678"}}));
}

TEST(ParseMultipart, OnlyTheCrBeforeTheDelimiterIsStripped) {
  const auto f = parse("--XyZ\r\nContent-Disposition: form-data; name=\"m\"\r\n\r\nline\r\n\r\n--XyZ--");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->at(0).second, "line\r\n");
}

TEST(ParseMultipart, NoPartsIsAnEmptyForm) {
  const auto f = parse("--XyZ--\r\n");
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->empty());
}

TEST(ParseMultipart, FilePartsCountButDoNotFail) {
  const auto file = crlf(
      "--XyZ\n"
      "Content-Disposition: form-data; name=\"f\"; filename=\"\"\n"
      "Content-Type: application/octet-stream\n"
      "\n" +
      std::string(500, 'x') + "\n--XyZ\n");
  // 500 bytes of file content exceed the 100-byte field bound, yet only fields are bounded.
  const auto ok = parse(file + crlf("Content-Disposition: form-data; name=\"a\"\n\n1\n--XyZ--"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok, (field_list{{"a", "1"}}));
  const auto too_many = parse(file + crlf("Content-Disposition: form-data; name=\"a\"\n\n1\n--XyZ--"), ct, 1);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, errc::payload_too_large);
  EXPECT_EQ(too_many.error().field, "a");
}

TEST(ParseMultipart, OversizedFieldIs413NamingIt) {
  const auto f = parse(crlf("--XyZ\nContent-Disposition: form-data; name=\"ghi_chu\"\n\n" + std::string(101, 'x') +
                            "\n--XyZ--"));
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, errc::payload_too_large);
  EXPECT_EQ(f.error().field, "ghi_chu");
}

TEST(ParseMultipart, InvalidUtf8ValueNamesTheField) {
  const auto f = parse(crlf("--XyZ\nContent-Disposition: form-data; name=\"ho_ten\"\n\nNguy\xE1\xBB\n--XyZ--"));
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, errc::bad_request);
  EXPECT_EQ(f.error().field, "ho_ten");
  EXPECT_EQ(f.error().message, "field 'ho_ten' is not valid UTF-8");
}

struct bad_case {
  std::string body;
  std::string type;
  std::string message;
  std::string field;
};

// Shown by gtest when a row fails.
void PrintTo(const bad_case& c, std::ostream* os) { *os << c.body; }

class ParseMultipartErrors : public ::testing::TestWithParam<bad_case> {};

TEST_P(ParseMultipartErrors, AreBadRequests) {
  const auto& row = GetParam();
  test_support::expect_error(parse(row.body, row.type), errc::bad_request, row.field, row.message, row.body);
}

const std::string one_part = crlf("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\n1\n--XyZ--");

// A Content-Type that is refused, sent with one good part.
bad_case type_error(std::string type, std::string message) {
  return {one_part, std::move(type), std::move(message), "content-type"};
}

// A body (written with LF, sent with CRLF) that is refused under a good Content-Type.
bad_case body_error(std::string_view lf_body, std::string message) { return {crlf(lf_body), ct, std::move(message), ""}; }

INSTANTIATE_TEST_SUITE_P(
    Table, ParseMultipartErrors,
    ::testing::Values(
        type_error("multipart/form-data", "multipart/form-data without a boundary"),
        type_error("multipart/form-data; boundary=\"\"", "multipart/form-data without a boundary"),
        type_error("multipart/form-data; boundary=\"XyZ", "malformed Content-Type parameters"),
        type_error("multipart/form-data; boundary=" + std::string(71, 'b'),
                   "multipart boundary is longer than 70 characters"),
        body_error("a=1&b=2", "multipart body has no boundary line"),
        body_error("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\n1\n", "multipart body has no closing boundary"),
        body_error("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\n1\n--XyZ\n",
                   "multipart body has no closing boundary"),
        body_error("--XyZ\nContent-Disposition: form-data; name=\"a\"\n", "multipart body has no closing boundary"),
        body_error("--XyZ", "multipart body has no closing boundary"),
        body_error("--XyZjunk\nContent-Disposition: form-data; name=\"a\"\n\n1\n--XyZ--",
                   "multipart boundary line is followed by other text"),
        body_error("--XyZ\nContent-Type: text/plain\n\n1\n--XyZ--",
                   "multipart part 1 has no Content-Disposition: form-data"),
        body_error("--XyZ\nContent-Disposition: attachment; name=\"a\"\n\n1\n--XyZ--",
                   "multipart part 1 has no Content-Disposition: form-data"),
        body_error("--XyZ\nContent-Disposition: form-data; name=\"a\"\n\n1\n--XyZ\n"
                   "Content-Disposition: form-data\n\n2\n--XyZ--",
                   "multipart part 2 has no name"),
        body_error("--XyZ\nno colon here\n\n1\n--XyZ--", "multipart part 1 has a malformed header"),
        body_error("--XyZ\nContent-Disposition: form-data; name=\"a\n\n1\n--XyZ--",
                   "multipart part 1 has a malformed Content-Disposition")));

TEST(ParseMultipart, HugePartHeadersAre413) {
  const auto f = parse(crlf("--XyZ\nContent-Disposition: form-data; name=\"a\"\nX-Pad: " + std::string(9000, 'p') +
                            "\n\n1\n--XyZ--"));
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, errc::payload_too_large);
}

// A body cut anywhere before its closing delimiter is an error, never a shorter form; every
// single-byte corruption is answered (ASan/UBSan watch the reads).
TEST(ParseMultipart, TruncationsFailAndCorruptionsAreAnswered) {
  const std::string body = test_support::fixture("forms", "multipart_browser.txt");
  const std::string type = "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";
  const auto closing = body.rfind("--\r\n");
  ASSERT_NE(closing, std::string::npos);
  for (std::size_t n = 0; n < closing + 2; ++n)
    EXPECT_FALSE(parse_multipart(std::string_view(body).substr(0, n), type, 10, 100)) << "prefix " << n;
  EXPECT_TRUE(parse_multipart(std::string_view(body).substr(0, closing + 2), type, 10, 100));
  for (std::size_t i = 0; i < body.size(); ++i) {
    for (const char c : {'\0', '\r', '\n', '-', '"', '\xff'}) {
      auto mutated = body;
      mutated[i] = c;
      const auto r = parse_multipart(mutated, type, 10, 100);
      if (r) {
        EXPECT_LE(r->size(), 5u);
      }
    }
  }
}

TEST(HeaderParams, ParsesTokensQuotedStringsAndBareWords) {
  const auto v = detail::parse_header_value(" Form-Data ; name=\"a;b\" ; junk; FileName=x.pdf ;");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->value, "form-data");
  EXPECT_EQ(v->param("name"), "a;b");
  EXPECT_EQ(v->param("filename"), "x.pdf");
  EXPECT_FALSE(v->param("junk"));
  EXPECT_FALSE(detail::parse_header_value("a; =x"));
  EXPECT_FALSE(detail::parse_header_value("a; b=\"open"));
}

}  // namespace
}  // namespace lg::adapters::web_form
