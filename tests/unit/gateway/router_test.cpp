// router.cpp: pattern matching, parameters, 404 and 405 with Allow.
#include "gateway/router.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace lg::gateway {
namespace {

handler noop() {
  return [](request_context&) -> awaitable<response> {
    std::string body = "{}";
    co_return json_response(http::status::ok, std::move(body));
  };
}

router sample() {
  router r;
  r.add(http::verb::post, "/v1/forms/{source}", noop());
  r.add(http::verb::options, "/v1/forms/{source}", noop());
  r.add(http::verb::get, "/healthz", noop());
  r.add(http::verb::get, "/", noop());
  return r;
}

TEST(Router, MatchesParameterSegment) {
  const auto r = sample();
  auto m = r.match(http::verb::post, "/v1/forms/website");
  ASSERT_EQ(m.outcome, router::match_result::kind::found);
  EXPECT_EQ(m.pattern, "/v1/forms/{source}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "source");
  EXPECT_EQ(m.params[0].second, "website");
}

TEST(Router, RootAndLiteral) {
  const auto r = sample();
  EXPECT_EQ(r.match(http::verb::get, "/").outcome, router::match_result::kind::found);
  EXPECT_EQ(r.match(http::verb::get, "/healthz").outcome, router::match_result::kind::found);
}

TEST(Router, UnknownPathsAreNotFound) {
  const auto r = sample();
  for (const char* p : {"/v1/forms", "/v1/forms/", "/v1/forms/a/b", "/healthz/x", "/nope", "", "v1/forms/x", "//"}) {
    EXPECT_EQ(r.match(http::verb::post, p).outcome, router::match_result::kind::not_found) << p;
  }
}

TEST(Router, WrongMethodListsAllowed) {
  const auto r = sample();
  auto m = r.match(http::verb::get, "/v1/forms/website");
  ASSERT_EQ(m.outcome, router::match_result::kind::method_not_allowed);
  EXPECT_EQ(m.allow, "POST, OPTIONS");
  EXPECT_EQ(r.match(http::verb::post, "/healthz").allow, "GET");
}

TEST(Router, RejectsBadPatternsAndDuplicates) {
  router r;
  EXPECT_THROW(r.add(http::verb::get, "no-slash", noop()), std::invalid_argument);
  EXPECT_THROW(r.add(http::verb::get, "/a/{b", noop()), std::invalid_argument);
  EXPECT_THROW(r.add(http::verb::get, "/a//b", noop()), std::invalid_argument);
  r.add(http::verb::get, "/a", noop());
  EXPECT_THROW(r.add(http::verb::get, "/a", noop()), std::invalid_argument);
}

TEST(Router, SplitTarget) {
  auto [p, q] = split_target("/v1/forms/x?token=abc&y=1");
  EXPECT_EQ(p, "/v1/forms/x");
  EXPECT_EQ(q, "token=abc&y=1");
  auto [p2, q2] = split_target("/healthz");
  EXPECT_EQ(p2, "/healthz");
  EXPECT_TRUE(q2.empty());
}

// `r.dispatch` of a `method` request for `target` (a path without query), run to its end: the
// response, nullopt when it gave none; `label` is the route label dispatch reported.
std::optional<response> dispatched(const router& r, http::verb method, const std::string& target,
                                   std::string_view& label) {
  asio::io_context ioc;
  request req{method, target, 11};
  std::optional<response> got;
  asio::co_spawn(
      ioc,
      [&]() -> awaitable<void> {
        request_context ctx{req, target, "", {}, {}, {}, nullptr, nullptr, 0};
        got = co_await r.dispatch(ctx, label);
      },
      asio::detached);
  ioc.run();
  return got;
}

// dispatch renders 404/405 as JSON errors and labels the route by pattern.
TEST(Router, DispatchRendersErrors) {
  const auto r = sample();
  std::string_view label;
  auto got = dispatched(r, http::verb::delete_, "/v1/forms/website", label);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->result_int(), 405u);
  EXPECT_EQ((*got)[http::field::allow], "POST, OPTIONS");
  EXPECT_EQ((*got)[http::field::content_type], "application/json");
  EXPECT_NE(got->body().find("\"method_not_allowed\""), std::string::npos);
  EXPECT_EQ(label, "/v1/forms/{source}");

  got = dispatched(r, http::verb::get, "/missing", label);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->result_int(), 404u);
  EXPECT_NE(got->body().find("\"not_found\""), std::string::npos);
  EXPECT_EQ(label, "unmatched");
}

}  // namespace
}  // namespace lg::gateway
