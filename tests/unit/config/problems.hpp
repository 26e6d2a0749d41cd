// Shared by the config unit tests: one matcher for the problem list check() returns, so a test
// names every message it expects in one table.
#pragma once

#include <gmock/gmock.h>

#include <string>
#include <vector>

namespace lg::config {

using problem_list = std::vector<std::string>;

// Matches a problem list that holds each of `messages` as it is and, for each of `parts`, a
// message that includes it.
inline ::testing::Matcher<const problem_list&> has_problems(const problem_list& messages,
                                                           const problem_list& parts = {}) {
  std::vector<::testing::Matcher<problem_list>> each;
  for (const auto& m : messages) each.push_back(::testing::Contains(m));
  for (const auto& p : parts) each.push_back(::testing::Contains(::testing::HasSubstr(p)));
  return ::testing::AllOfArray(each);
}

}  // namespace lg::config
