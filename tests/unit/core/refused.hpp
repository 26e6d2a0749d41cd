// Shared by the normalizer unit tests (phone, email): their table rows and how a refused input
// must look.
#pragma once

#include "core/error.hpp"

#include <gtest/gtest.h>

#include <expected>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace lg::core {

// One row of a normalizer's table: the input, its normalized form (empty: it must be refused)
// and, for a refusal, a fragment of the expected message.
struct normalize_case {
  std::string raw;
  std::string normalized;
  std::string why = {};
};

// Whether `got`, a normalizer's answer, refuses its input as an invalid `field` with a message
// that includes `why`.
template <class T>
::testing::AssertionResult refused(const std::expected<T, error>& got, std::string_view field, std::string_view why) {
  if (got.has_value()) return ::testing::AssertionFailure() << "accepted as " << *got;
  const auto& e = got.error();
  if (e.code != errc::invalid_field || e.field != field || e.message.find(why) == std::string::npos)
    return ::testing::AssertionFailure() << "refused as " << code_name(e.code) << " of field \"" << e.field
                                         << "\": " << e.message;
  return ::testing::AssertionSuccess();
}

// Runs `normalize` over `rows`: a row with a normalized form must come out as that (and then
// passes `accepted`, when given); any other must be refused as an invalid `field` whose message
// includes the row's fragment.
template <class Normalize>
void expect_table(std::span<const normalize_case> rows, Normalize normalize, std::string_view field,
                  const std::function<void(const std::string&)>& accepted = {}) {
  for (const auto& c : rows) {
    SCOPED_TRACE("raw: \"" + c.raw + "\"");
    const auto got = normalize(c.raw);
    if (c.normalized.empty()) {
      EXPECT_TRUE(refused(got, field, c.why));
    } else {
      ASSERT_TRUE(got.has_value()) << got.error().message;
      EXPECT_EQ(*got, c.normalized);
      if (accepted) accepted(*got);
    }
  }
}

}  // namespace lg::core
