// adapters/web_form/token.cpp
#include "adapters/web_form/web_form.hpp"

#include <gtest/gtest.h>

namespace lg::adapters::web_form {
namespace {

TEST(TokenOk, NoTokenConfiguredAcceptsAll) {
  config::source_config s;
  EXPECT_TRUE(token_ok(s, inbound_request{}));
}

TEST(TokenOk, HeaderOrQuery) {
  config::source_config s;
  s.token = "t0ken+with/slash=";
  inbound_request r;
  EXPECT_FALSE(token_ok(s, r));
  r.query = "a=1&token=t0ken%2Bwith%2Fslash%3D";
  EXPECT_TRUE(token_ok(s, r));
  r.query = "token=t0ken+with/slash=";  // '+' in a query is a space: not the token
  EXPECT_FALSE(token_ok(s, r));
  r.query = "token=t0ken%2Bwith%2Fslash";  // a prefix is not enough
  EXPECT_FALSE(token_ok(s, r));
  r.query = "token=";
  EXPECT_FALSE(token_ok(s, r));
  r.query.clear();
  r.headers = {{"x-leadgate-token", " t0ken+with/slash= "}};
  EXPECT_TRUE(token_ok(s, r));
  // The header, when sent, is what counts.
  r.headers = {{"x-leadgate-token", "wrong"}};
  r.query = "token=t0ken%2Bwith%2Fslash%3D";
  EXPECT_FALSE(token_ok(s, r));
}

}  // namespace
}  // namespace lg::adapters::web_form
