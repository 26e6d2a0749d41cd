// A directory of its own for each test (and each run), under the run's temp dir
// (LG_TEST_TMPDIR, which scripts/test sets and removes) or /tmp: "<prefix>-<pid>-<random>".
// Not created: the code under test creates it, or the test does.
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>

namespace lg::test {

inline std::filesystem::path fresh_temp_dir(std::string_view prefix) {
  const char* base = std::getenv("LG_TEST_TMPDIR");
  return std::filesystem::path(base && *base ? base : "/tmp") /
         (std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
}

}  // namespace lg::test
