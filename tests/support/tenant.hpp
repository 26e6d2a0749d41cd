// A tenant of its own for each test (and each run), so tests sharing one Redis never see each
// other's keys: "<prefix>-<pid>-<n>-<random>".
#pragma once

#include <unistd.h>

#include <atomic>
#include <random>
#include <string>
#include <string_view>

namespace lg::test {

inline std::string fresh_tenant(std::string_view prefix) {
  static std::atomic<unsigned> n{0};
  std::random_device rd;
  return std::string(prefix) + "-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" +
         std::to_string(rd() % 1000000);
}

}  // namespace lg::test
