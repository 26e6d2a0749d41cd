// core::same_person: the household rule, over the shared table of name pairs (folded as
// resolution folds them) and the edges of its word reading.
#include "core/normalize.hpp"
#include "core/same_person.hpp"
#include "support/person_pairs.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lg::core {
namespace {

std::string folded(const char* raw) { return fold_text(normalize_name(raw)); }

TEST(SamePerson, TheTableOfNamePairsInBothOrders) {
  for (const auto& p : test::person_pairs) {
    const auto a = folded(p.a), b = folded(p.b);
    EXPECT_EQ(same_person(a, b), p.same) << p.a << " / " << p.b << " (" << p.why << ")";
    EXPECT_EQ(same_person(b, a), p.same) << p.b << " / " << p.a << " (" << p.why << ")";
    EXPECT_EQ(different_person(a, b), !p.same) << p.a << " / " << p.b;
  }
}

TEST(SamePerson, AnUnknownNameContradictsNothing) {
  EXPECT_TRUE(same_person("", "nguyen thi lan"));
  EXPECT_TRUE(same_person("nguyen thi lan", ""));
  EXPECT_FALSE(different_person("", "nguyen thi lan"));
  EXPECT_FALSE(different_person("", ""));
}

TEST(SamePerson, SpacesDoNotMakeWords) {
  EXPECT_TRUE(same_person("nguyen  thi lan ", "nguyen thi lan"));
  EXPECT_TRUE(same_person(" lan", "nguyen thi lan"));
}

TEST(SamePerson, ANameOfMoreWordsThanAnyPersonHasIsComparedWhole) {
  const std::string long_name = "a b c d e f g h i j k l m lan";
  EXPECT_TRUE(same_person(long_name, long_name));
  EXPECT_FALSE(same_person(long_name, "lan"));
}

}  // namespace
}  // namespace lg::core
