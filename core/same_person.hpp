// When two names on one phone (or one email) are one person, and when a second person of the
// household: the rule identity resolution follows (store/lua/resolve.lua mirrors it word for
// word; tests/support/person_pairs.hpp is the table both are tested with). Pure: no I/O.
//
// Names are compared folded (core::fold_text: no diacritics, lower case, one space between
// words) and read in Vietnamese order, family name first and the given name last:
// "Nguyễn Thị Lan" → family "nguyen", middle "thi", given "lan". Two names are one person when
//   - they are equal; or
//   - their given names are equal and the shorter is the longer without its family name and/or
//     with fewer middle names ("lan", "thi lan", "nguyen lan" are all "nguyen thi lan"); or
//   - one is written with the family name last, as Western forms and mail clients do: the
//     first names in Vietnamese order ("thi lan nguyen", "lan nguyen") or given name first
//     ("lan thi nguyen"), the middle names some of the other's.
// Anything else is another person, even when the names share words: Vietnamese families reuse
// given names as middle names, so parent "Hồ Thanh Phương" and child "Hồ Phương Khoa" are two
// people. A name that is not known contradicts nothing.
#pragma once

#include <string_view>

namespace lg::core {

// Both names folded. Equal names, and an empty one with anything, are the same person.
bool same_person(std::string_view folded_a, std::string_view folded_b) noexcept;

// Both names known and not the same person: a household's second person.
bool different_person(std::string_view folded_a, std::string_view folded_b) noexcept;

}  // namespace lg::core
