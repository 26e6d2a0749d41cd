// lua_script: the SHA-1 Redis expects for EVALSHA, and the embedded accept script.
#include "store/lua_script.hpp"

#include "accept.hpp"

#include <gtest/gtest.h>

namespace lg::store {
namespace {

TEST(lua_script, sha1_of_known_strings) {
  // Values from FIPS 180 / `printf %s ... | sha1sum`.
  EXPECT_EQ(lua_script("abc").sha1(), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(lua_script("").sha1(), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  // What `redis-cli SCRIPT LOAD "return 1"` answers.
  EXPECT_EQ(lua_script("return 1").sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
}

TEST(lua_script, keeps_its_source) {
  const lua_script s("return 1");
  EXPECT_EQ(s.source(), "return 1");
}

TEST(lua_script, accept_script_is_embedded) {
  const lua_script s(lua::accept);
  EXPECT_NE(s.source().find("XADD"), std::string_view::npos);
  EXPECT_NE(s.source().find("LGFULL"), std::string_view::npos);
  EXPECT_EQ(s.sha1().size(), 40u);
}

}  // namespace
}  // namespace lg::store
