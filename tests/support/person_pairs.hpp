// Pairs of names met on one phone, and whether they are one person (core/same_person.hpp):
// the table both core::same_person (tests/unit/core/same_person_test.cpp) and its mirror in
// store/lua/resolve.lua (tests/integration/identity_household_test.cpp) are held to. Names as
// people type them: any case, with or without diacritics, NFC or NFD.
#pragma once

namespace lg::test {

struct person_pair {
  const char* a;
  const char* b;
  bool same;
  const char* why;
};

inline constexpr person_pair person_pairs[] = {
    // One person written differently.
    {"Nguyễn Thị Lan", "nguyễn thị lan", true, "case"},
    {"Nguyễn Thị Lan", "NGUYEN THI LAN", true, "no diacritics, capitals"},
    {"Nguyễn Thị Lan", "Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Lan", true, "NFD"},
    {"Nguyễn Thị Lan", "Lan", true, "the given name alone"},
    {"Nguyễn Thị Lan", "Thị Lan", true, "without the family name"},
    {"Nguyễn Thị Lan", "Nguyễn Lan", true, "without the middle name"},
    {"Nguyễn Thị Lan", "Lan Nguyen", true, "given name first"},
    {"Nguyễn Thị Lan", "Lan Thi Nguyen", true, "given name first, with the middle name"},
    {"Đỗ Văn Đức", "Do Van Duc", true, "đ folded"},
    {"Trần Ngọc Bảo Anh", "Bảo Anh", true, "a two-word given name"},
    {"Trần Ngọc Bảo Anh", "Trần Bảo Anh", true, "one of two middle names"},
    {"Nguyễn Lan Anh", "Lan Anh", true, "without the family name, two-word given name"},
    {"Lê Minh", "Minh Lê", true, "two words, given name first"},
    {"Trần Văn Nam", "Nam Trần", true, "given name first, no middle name"},
    {"Lan Trần", "Trần Văn Lan", true, "family name last, without the middle name"},
    {"Lê Văn Tám", "Lê Tám", true, "fewer middle names"},
    {"Trần Thị Lan", "Thị Lan Trần", true, "family name last (first name, last name)"},
    {"Hồ Phương Khoa", "Khoa", true, "the child's given name alone"},
    // Parent and child, or siblings: shared family, middle or given words.
    {"Hồ Thanh Phương", "Hồ Phương Khoa", false, "the parent's given name is the child's middle name"},
    {"Nguyễn Văn Minh", "Nguyễn Minh Khang", false, "father's given name as the son's middle name"},
    {"Trần Thị Mai", "Lê Mai Anh", false, "mother's given name as the child's middle name, father's family"},
    {"Đặng Thu Hà", "Đặng Hà Vy", false, "mother and daughter"},
    {"Hoàng Minh Tuấn", "Hoàng Tuấn Kiệt", false, "father and son"},
    {"Bùi Quang Huy", "Bùi Huy Hoàng", false, "the child's given name is also a family name"},
    {"Nguyễn Thị Lan", "Nguyễn Văn Minh", false, "siblings"},
    {"Vũ Đức Thắng", "Vũ Đức Minh", false, "siblings sharing family and middle names"},
    {"Nguyễn Văn An", "Nguyễn Thị An", false, "siblings with one given name"},
    {"Phạm Văn Hùng", "Phạm Gia Hùng", false, "father and son with one given name"},
    {"Lý Thanh Tâm", "Lý Tâm Thanh", false, "the same words in another order"},
    {"Hồ Phương Khoa", "Phương", false, "the parent's given name alone"},
    // Look-alikes.
    {"Nguyễn Thị Lan", "Nguyễn Thị Lan Anh", false, "Lan and Lan Anh"},
    {"Nguyễn Thị Lan", "Trần Thị Hoa", false, "unrelated"},
    {"Lan", "Hoa", false, "two given names"},
    {"Thị Lan Trần", "Trần Văn Lan", false, "family name last, another middle name"},
    {"Trần Thị Lan", "Hoa Trần", false, "family name last, another given name"},
};

}  // namespace lg::test
