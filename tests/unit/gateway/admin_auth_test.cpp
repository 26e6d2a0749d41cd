// gateway/admin/auth: bearer parsing, unknown tokens, role ranks, and the 401 header.
#include "gateway/admin/auth.hpp"

#include "core/digest.hpp"

#include <gtest/gtest.h>

namespace lg::gateway {
namespace {

config::admin_config tokens() {
  config::admin_config c;
  c.tokens.push_back({"viewer-1", "viewer", "", core::sha256_hex("viewer-token-0000000000")});
  c.tokens.push_back({"agent-1", "agent", "hn-lan", core::sha256_hex("agent-token-00000000000")});
  c.tokens.push_back({"admin-1", "admin", "", core::sha256_hex("admin-token-00000000000")});
  return c;
}

request with_auth(std::string value) {
  request req{http::verb::get, "/admin/v1/contacts", 11};
  if (!value.empty()) req.set(http::field::authorization, value);
  return req;
}

TEST(AdminAuth, RolesRankViewerAgentAdmin) {
  const admin_auth auth(tokens());
  auto viewer = auth.check(with_auth("Bearer viewer-token-0000000000"), admin_role::viewer);
  ASSERT_TRUE(viewer);
  EXPECT_EQ(viewer->name, "viewer-1");
  EXPECT_EQ(viewer->role, admin_role::viewer);

  auto denied = auth.check(with_auth("Bearer viewer-token-0000000000"), admin_role::agent);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, core::errc::forbidden);
  EXPECT_NE(denied.error().message.find("needs agent"), std::string::npos);

  auto agent = auth.check(with_auth("bearer agent-token-00000000000"), admin_role::agent);  // scheme case-insensitive
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->member, "hn-lan");
  EXPECT_FALSE(auth.check(with_auth("Bearer agent-token-00000000000"), admin_role::admin));
  EXPECT_TRUE(auth.check(with_auth("Bearer admin-token-00000000000"), admin_role::admin));
  EXPECT_TRUE(auth.check(with_auth("Bearer admin-token-00000000000"), admin_role::viewer));
}

TEST(AdminAuth, MissingMalformedAndUnknownAre401) {
  const admin_auth auth(tokens());
  for (const std::string header : {"", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b",
                                   "Bearer admin-token-0000000000", "Bearer admin-token-000000000000",
                                   "Bearer ADMIN-TOKEN-00000000000"}) {
    auto r = auth.check(with_auth(header), admin_role::viewer);
    ASSERT_FALSE(r) << header;
    EXPECT_EQ(r.error().code, core::errc::unauthorized) << header;
  }
  const auto res = auth_error_response(core::make_error(core::errc::unauthorized, "unknown admin token"));
  EXPECT_EQ(res.result(), http::status::unauthorized);
  EXPECT_EQ(res[http::field::www_authenticate], "Bearer realm=\"leadgate\"");
  const auto forbidden = auth_error_response(core::make_error(core::errc::forbidden, "no"));
  EXPECT_EQ(forbidden.result(), http::status::forbidden);
  EXPECT_TRUE(forbidden[http::field::www_authenticate].empty());
}

TEST(AdminAuth, NoTokensConfiguredRefusesEverything) {
  const admin_auth auth{config::admin_config{}};
  EXPECT_TRUE(auth.empty());
  auto r = auth.check(with_auth("Bearer anything-at-all-00000"), admin_role::viewer);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, core::errc::unauthorized);
}

}  // namespace
}  // namespace lg::gateway
