// Reading the files under tests/fixtures/ in any test.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace lg::test {

// A file under tests/fixtures/ byte for byte ("hooks/zalo_submit_flat.json": signed bodies must
// not change); a missing one fails the test.
inline std::string fixture_text(const std::string& relative) {
  std::ifstream f(std::string(LG_FIXTURES_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(f.good()) << "missing fixture " << relative;
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace lg::test
