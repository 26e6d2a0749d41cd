// Identity keys of lead events: key forms, scoping of channel ids, bounds, needs_review and
// the different-person rule for households.
#include "core/identity.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace lg::core {
namespace {

lead_event make_event() {
  lead_event e;
  e.event_id = "web_form:form:1";
  e.source = "web-main";
  return e;
}

bool has_key(const identity& id, const std::string& k) {
  return std::find(id.keys.begin(), id.keys.end(), k) != id.keys.end();
}

TEST(Identity, PhoneAndEmailKeys) {
  auto e = make_event();
  e.contact.phones = {"+84912345678"};
  e.contact.emails = {"lan.nguyen+ielts@gmail.com"};
  auto id = identity_of(e);
  EXPECT_TRUE(has_key(id, "phone:+84912345678"));
  EXPECT_TRUE(has_key(id, "email:lannguyen@gmail.com"));
  ASSERT_EQ(id.emails.size(), 1u);
  EXPECT_EQ(id.emails[0].address, "lan.nguyen+ielts@gmail.com");  // stored as given
  EXPECT_FALSE(id.needs_review);
}

TEST(Identity, ChannelIdsAreScoped) {
  auto e = make_event();
  e.source = "zalo-main";
  e.contact.ids = {{"zalo", "2468458835296979220"}, {"zalo_oa", "3886132808798806450"},
                   {"facebook", "PSID1"}, {"facebook_lead", "1234567890"},
                   {"ext:sugarcrm", "abc-1"}, {"unrelated", "x"}};
  auto id = identity_of(e);
  EXPECT_TRUE(has_key(id, "zalo:3886132808798806450:2468458835296979220"));
  EXPECT_TRUE(has_key(id, "fb:zalo-main:PSID1"));  // no page given: the source scopes it
  EXPECT_TRUE(has_key(id, "fblead:1234567890"));
  EXPECT_TRUE(has_key(id, "ext:sugarcrm:abc-1"));
  EXPECT_EQ(id.keys.size(), 4u);
  EXPECT_EQ(id.channel_keys.size(), 4u);
}

TEST(Identity, ZaloWithoutOaUsesSource) {
  auto e = make_event();
  e.source = "zalo-main";
  e.contact.ids = {{"zalo", "42"}};
  EXPECT_TRUE(has_key(identity_of(e), "zalo:zalo-main:42"));
}

TEST(Identity, BadValuesAreNotKeys) {
  auto e = make_event();
  e.contact.phones = {"0912345678", "+84 912", ""};  // not E.164: adapters must normalize
  e.contact.ids = {{"zalo", "has space"}, {"facebook_lead", std::string(200, '1')}};
  auto id = identity_of(e);
  EXPECT_TRUE(id.keys.empty());
  EXPECT_TRUE(id.needs_review);
}

TEST(Identity, DuplicatesAndBound) {
  auto e = make_event();
  for (int i = 0; i < 40; ++i) e.contact.phones.push_back("+849123456" + std::to_string(10 + i));
  e.contact.phones.push_back("+84912345610");
  auto id = identity_of(e);
  EXPECT_EQ(id.keys.size(), max_identity_keys);
  EXPECT_EQ(id.phones.size(), max_identity_keys);
}

TEST(Identity, FoldedNameIsNeverAKey) {
  auto e = make_event();
  e.contact.full_name = "Nguyễn Thị Lan";
  auto id = identity_of(e);
  EXPECT_EQ(id.folded_name, "nguyen thi lan");
  EXPECT_TRUE(id.keys.empty());
  EXPECT_TRUE(id.needs_review);
}

TEST(Identity, NfdNameFoldsLikeNfc) {
  auto nfc = make_event();
  nfc.contact.full_name = "\xC4\x90\xE1\xBB\x97 V\xC4\x83n \xC4\x90\xE1\xBB\xA9\x63";  // Đỗ Văn Đức
  auto nfd = make_event();
  // D-stroke has no decomposition; the vowels are NFD (base + combining marks).
  nfd.contact.full_name = "\xC4\x90o\xCC\x82\xCC\x83 Va\xCC\x86n \xC4\x90u\xCC\x9B\xCC\x81\x63";
  EXPECT_EQ(identity_of(nfc).folded_name, "do van duc");
  EXPECT_EQ(identity_of(nfd).folded_name, "do van duc");
}

TEST(Identity, WeakKeys) {
  EXPECT_TRUE(is_weak_key("email:a@b.vn"));
  EXPECT_FALSE(is_weak_key("phone:+84912345678"));
  EXPECT_FALSE(is_weak_key("zalo:oa:1"));
}

}  // namespace
}  // namespace lg::core
