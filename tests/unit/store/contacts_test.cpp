// The pure parts of the contact repository: script arguments, reply parsing, time parsing,
// UTF-8-safe truncation and the JSON view of a stored contact.
#include "store/contacts.hpp"

#include <gtest/gtest.h>

namespace lg::store {
namespace {

TEST(Contacts, TruncateUtf8NeverCutsACharacter) {
  EXPECT_EQ(truncate_utf8("abc", 10), "abc");
  // "Hà" is H, 0xC3 0xA0: cutting at 2 bytes would split the à.
  EXPECT_EQ(truncate_utf8("H\xC3\xA0 N", 2), "H");
  EXPECT_EQ(truncate_utf8("H\xC3\xA0 N", 3), "H\xC3\xA0");
}

TEST(Contacts, ResolveCallKeysAndArgs) {
  core::lead_event e;
  e.event_id = "zalo:msg:1";
  e.lead_id = "L1";
  e.source = "zalo-main";
  e.chan = core::channel::zalo;
  e.occurred_at = "2026-11-22T03:00:00Z";
  e.contact.full_name = "Nguyễn Thị Lan";
  e.contact.phones = {"+84912345678"};
  e.contact.unverified_phones = {"+84912345678", "+84000000000"};  // only the event's phones count
  e.contact.emails = {"lan.n@gmail.com"};
  e.contact.ids = {{"zalo", "42"}, {"zalo_oa", "oa1"}};
  e.message = std::string(500, 'x');
  resolve_options o;
  o.tenant = "t1";
  o.default_team = "hn-1";
  auto id = core::identity_of(e);
  auto call = make_resolve_call(e, id, o);
  ASSERT_EQ(call.keys.size(), 6u);
  EXPECT_EQ(call.keys[0], "lg:{t1}:done:zalo:msg:1");
  EXPECT_EQ(call.keys[1], "lg:{t1}:seq:contact");
  EXPECT_EQ(call.keys[2], "lg:{t1}:names");
  // Identity keys go to their index bucket; the keys themselves are arguments.
  EXPECT_EQ(call.keys[3], identity_index_key("t1", "phone:+84912345678", o.identity_buckets));
  EXPECT_EQ(call.keys[4], identity_index_key("t1", "email:lann@gmail.com", o.identity_buckets));
  EXPECT_EQ(call.keys[5], identity_index_key("t1", "zalo:oa1:42", o.identity_buckets));
  EXPECT_TRUE(call.keys[3].starts_with("lg:{t1}:kx:"));
  const auto& a = call.args;
  ASSERT_EQ(a.size(), 24u + 3u + 1u + 2u);
  EXPECT_EQ(a[0], "lg:{t1}:");
  EXPECT_EQ(a[5], std::to_string(o.identity_buckets));
  EXPECT_EQ(a[6], "3");  // identity keys
  EXPECT_EQ(a[7], "1");  // phones
  EXPECT_EQ(a[8], "1");  // emails
  EXPECT_EQ(a[9], "Nguyễn Thị Lan");
  EXPECT_EQ(a[10], "nguyen thi lan");
  EXPECT_EQ(a[12], "zalo");
  EXPECT_EQ(a[13], "1795316400");
  EXPECT_EQ(a[16].size(), o.message_limit);
  EXPECT_EQ(a[19], "hn-1");
  EXPECT_TRUE(a[20].starts_with("facebook_lead_ads,web_form"));
  EXPECT_EQ(a[21], std::to_string(o.outbox_limit));  // refuse before writing when the outbox is full
  EXPECT_EQ(a[22], "1");  // a Zalo chat's name is the profile's display name
  EXPECT_EQ(a[23], "+84912345678");  // the unverified phones among the event's phones
  EXPECT_EQ(a[24], "phone:+84912345678");
  EXPECT_EQ(a[25], "email:lann@gmail.com");
  EXPECT_EQ(a[26], "zalo:oa1:42");
  EXPECT_EQ(a[27], "+84912345678");
  EXPECT_EQ(a[28], "lan.n@gmail.com");
  EXPECT_EQ(a[29], "lann@gmail.com");
}

TEST(Contacts, IdentityBucketIsStableAndBounded) {
  // h = h * 31 + byte (mod 2^32): resolve.lua computes the same for merged contacts' keys.
  EXPECT_EQ(identity_bucket("", 4096), 0u);
  EXPECT_EQ(identity_bucket("a", 4096), 97u);
  EXPECT_EQ(identity_bucket("ab", 4096), (97u * 31u + 98u) % 4096u);
  std::uint32_t h = 0;
  for (unsigned char ch : std::string("phone:+84912345678")) h = h * 31u + ch;
  EXPECT_EQ(identity_bucket("phone:+84912345678", 4096), h % 4096u);
  EXPECT_LT(identity_bucket("email:someone@example.com", 7), 7u);
  EXPECT_EQ(identity_index_key("t1", "a", 4096), "lg:{t1}:kx:97");
}

TEST(Contacts, InlineTouchIsTheFirstTimelineEntry) {
  // msgpack [1795316400, "web_form", "web-main", "ielts", "", 1]
  std::string h = "\x96\xce\x6b\x02\x5a\xb0\xa8web_form\xa8web-main\xa5ielts\xa0\x01";
  auto t = inline_touch({{"n", "Lan"}, {"h", h}, {"hl", "ld_1"}, {"hm", "hello"}});
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)["k"], "touch");
  EXPECT_EQ((*t)["at"], 1795316400);
  EXPECT_EQ((*t)["ch"], "web_form");
  EXPECT_EQ((*t)["src"], "web-main");
  EXPECT_EQ((*t)["cmp"], "ielts");
  EXPECT_EQ((*t)["lead"], "ld_1");
  EXPECT_EQ((*t)["msg"], "hello");
  EXPECT_EQ((*t)["review"], 1);
  EXPECT_FALSE(t->contains("learner"));
  EXPECT_FALSE(inline_touch({{"n", "Lan"}}));
}

redis_reply str(std::string s) { return {redis_reply::kind::string, 0, std::move(s), {}}; }
redis_reply num(long long n) { return {redis_reply::kind::integer, n, {}, {}}; }

TEST(Contacts, ParseResolveReply) {
  redis_reply r{redis_reply::kind::array, 0, {},
                {str("c_1"), num(1), str("u7"), str("hn-1"), num(0), str("c_4,c_9"), str("Minh"), num(0)}};
  auto out = parse_resolve_reply(r);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->contact_id, "c_1");
  EXPECT_TRUE(out->returning);
  EXPECT_EQ(out->owner, "u7");
  EXPECT_EQ(out->team, "hn-1");
  EXPECT_FALSE(out->duplicate);
  EXPECT_EQ(out->merged, (std::vector<std::string>{"c_4", "c_9"}));
  EXPECT_EQ(out->learner, "Minh");
  EXPECT_FALSE(parse_resolve_reply(redis_reply{redis_reply::kind::error, 0, "ERR x", {}}));
  EXPECT_FALSE(parse_resolve_reply(redis_reply{redis_reply::kind::array, 0, {}, {str("c_1")}}));
}

TEST(Contacts, ContactToJson) {
  // msgpack [["+84912345678","web",100]] and [["A@x.vn","web",100,"a@x.vn"]]
  nlohmann::json p = nlohmann::json::array({nlohmann::json::array({"+84912345678", "web", 100})});
  nlohmann::json e = nlohmann::json::array({nlohmann::json::array({"A@x.vn", "web", 100, "a@x.vn"})});
  auto pack = [](const nlohmann::json& j) {
    auto b = nlohmann::json::to_msgpack(j);
    return std::string(b.begin(), b.end());
  };
  auto j = contact_to_json({{"n", "Lan"}, {"p", pack(p)}, {"e", pack(e)}, {"t", "hn-1"},
                            {"r", "1"}, {"ca", "100"}});
  EXPECT_EQ(j["name"], "Lan");
  EXPECT_EQ(j["phones"][0]["value"], "+84912345678");
  EXPECT_EQ(j["phones"][0]["source"], "web");
  EXPECT_EQ(j["emails"][0]["match_key"], "a@x.vn");
  EXPECT_EQ(j["team"], "hn-1");
  EXPECT_TRUE(j["needs_review"].get<bool>());
  EXPECT_EQ(j["created_at"], 100);
  // A damaged field does not throw; it reads as empty.
  auto bad = contact_to_json({{"p", "\xC1"}});
  EXPECT_TRUE(bad["phones"].empty());
}

}  // namespace
}  // namespace lg::store
