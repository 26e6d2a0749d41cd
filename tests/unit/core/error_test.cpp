// core/error.cpp: the category, the errc -> HTTP status table and the JSON error body.
#include "core/error.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lg::core {
namespace {

struct status_case {
  errc code;
  std::string_view name;
  unsigned status;
};

constexpr status_case status_cases[] = {
    {errc::bad_request, "bad_request", 400},
    {errc::missing_field, "missing_field", 400},
    {errc::invalid_field, "invalid_field", 400},
    {errc::unauthorized, "unauthorized", 401},
    {errc::forbidden, "forbidden", 403},
    {errc::not_found, "not_found", 404},
    {errc::method_not_allowed, "method_not_allowed", 405},
    {errc::conflict, "conflict", 409},
    {errc::precondition_failed, "precondition_failed", 412},
    {errc::payload_too_large, "payload_too_large", 413},
    {errc::unsupported_media_type, "unsupported_media_type", 415},
    {errc::rate_limited, "rate_limited", 429},
    {errc::unavailable, "unavailable", 503},
    {errc::timeout, "timeout", 503},
    {errc::internal, "internal", 500},
};

TEST(error, code_names_and_http_statuses) {
  for (const auto& c : status_cases) {
    SCOPED_TRACE(std::string(c.name));
    EXPECT_EQ(code_name(c.code), c.name);
    EXPECT_EQ(http_status(c.code), c.status);
  }
}

TEST(error, unknown_enumerator_is_internal_not_a_crash) {
  const auto bogus = static_cast<errc>(999);
  EXPECT_EQ(code_name(bogus), "unknown");
  EXPECT_EQ(http_status(bogus), 500u);
}

TEST(error, error_code_uses_the_leadgate_category) {
  boost::system::error_code ec = errc::rate_limited;  // via is_error_code_enum + ADL
  EXPECT_EQ(&ec.category(), &category());
  EXPECT_STREQ(ec.category().name(), "leadgate");
  EXPECT_EQ(ec.value(), static_cast<int>(errc::rate_limited));
  EXPECT_EQ(ec.message(), "rate_limited");
  EXPECT_TRUE(ec);
  EXPECT_FALSE(make_error_code(errc::ok));
  EXPECT_NE(make_error_code(errc::timeout), make_error_code(errc::unavailable));
}

TEST(error, json_body_with_field) {
  const auto e = make_error(errc::invalid_field, "phone number is too short", "phone");
  const auto j = nlohmann::json::parse(e.to_json());
  EXPECT_EQ(j, nlohmann::json::parse(
                   R"({"error":{"code":"invalid_field","message":"phone number is too short","field":"phone"}})"));
}

TEST(error, json_body_omits_empty_field) {
  const auto j = nlohmann::json::parse(make_error(errc::unavailable, "redis is down").to_json());
  ASSERT_TRUE(j.contains("error"));
  EXPECT_EQ(j["error"]["code"], "unavailable");
  EXPECT_EQ(j["error"]["message"], "redis is down");
  EXPECT_FALSE(j["error"].contains("field"));
}

TEST(error, json_body_escapes_and_survives_invalid_utf8) {
  const auto e = make_error(errc::bad_request, "bad \"quote\" and \xff byte", "na\nme");
  const auto j = nlohmann::json::parse(e.to_json());
  EXPECT_EQ(j["error"]["message"], "bad \"quote\" and \xEF\xBF\xBD byte");
  EXPECT_EQ(j["error"]["field"], "na\nme");
}

}  // namespace
}  // namespace lg::core
