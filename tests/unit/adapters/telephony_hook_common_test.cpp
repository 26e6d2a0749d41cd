// The shared helpers of the hotline/SMS/email webhook adapters: UTF-8 cleaning and cutting,
// ids, times, phones, content types, option readers.
#include "adapters/telephony/hook_common.hpp"

#include <gtest/gtest.h>

namespace lg::adapters {
namespace {

TEST(TelephonyHookCommon, Utf8CleanReplacesInvalidSequences) {
  EXPECT_EQ(hook::utf8_clean("Học phí"), "Học phí");
  EXPECT_EQ(hook::utf8_clean("a\xFF" "b"), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(hook::utf8_clean("\xE1\xBB"), "\xEF\xBF\xBD\xEF\xBF\xBD");        // truncated sequence
  EXPECT_EQ(hook::utf8_clean("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");        // overlong '/'
  EXPECT_EQ(hook::utf8_clean("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(hook::utf8_clean("\xF4\x90\x80\x80").substr(0, 3), "\xEF\xBF\xBD");  // past U+10FFFF
  EXPECT_EQ(hook::utf8_clean("ệệ", 5), "ệ");  // never half a character
}

TEST(TelephonyHookCommon, Utf8TruncateOnBoundary) {
  std::string s = "aệb";
  EXPECT_TRUE(hook::utf8_truncate(s, 3));
  EXPECT_EQ(s, "a");
  std::string t = "abc";
  EXPECT_FALSE(hook::utf8_truncate(t, 3));
  EXPECT_EQ(t, "abc");
}

TEST(TelephonyHookCommon, IdsTimesPhones) {
  EXPECT_TRUE(hook::valid_id("CA1f2e-3_d"));
  EXPECT_FALSE(hook::valid_id(""));
  EXPECT_FALSE(hook::valid_id("a b"));
  EXPECT_FALSE(hook::valid_id("ệ"));
  EXPECT_FALSE(hook::valid_id(std::string(129, 'a')));
  EXPECT_EQ(hook::rfc3339_from_unix_ms(1717000065123), "2024-05-29T16:27:45.123Z");
  EXPECT_FALSE(hook::rfc3339_from_unix_ms(1717000065));  // seconds, not milliseconds
  EXPECT_EQ(hook::reported_e164("84912345678"), "+84912345678");
  EXPECT_EQ(hook::reported_e164("0891180920"), "+84891180920");
  EXPECT_FALSE(hook::reported_e164("anonymous"));
  core::contact_info c;
  hook::add_phone(c, "0912 345 678");
  hook::add_phone(c, "+84912345678");
  hook::add_phone(c, "12");
  hook::add_phone(c, "0891180920");  // typed (an email body): validated
  EXPECT_EQ(c.phones, std::vector<std::string>{"+84912345678"});
  EXPECT_EQ(c.invalid_phones, (std::vector<std::string>{"12", "0891180920"}));
  EXPECT_TRUE(c.unverified_phones.empty());
  core::contact_info caller;
  hook::add_reported_phone(caller, "84891180920");
  hook::add_reported_phone(caller, "0891180920");  // the same number: once
  hook::add_reported_phone(caller, "0912345678");
  hook::add_reported_phone(caller, "anonymous");
  EXPECT_EQ(caller.phones, (std::vector<std::string>{"+84891180920", "+84912345678"}));
  EXPECT_EQ(caller.unverified_phones, std::vector<std::string>{"+84891180920"});
  EXPECT_EQ(caller.invalid_phones, std::vector<std::string>{"anonymous"});
  EXPECT_TRUE(hook::iequals("Message-ID", "message-id"));
  EXPECT_FALSE(hook::iequals("Message-ID", "message-i"));
}

TEST(TelephonyHookCommon, FormFieldsByContentType) {
  inbound_request r;
  r.body = "A=1&B=%2B84";
  for (const char* type : {"", "application/x-www-form-urlencoded", "Application/X-WWW-Form-Urlencoded; charset=UTF-8"}) {
    r.content_type = type;
    const auto f = hook::form_fields(r, 10, 100);
    ASSERT_TRUE(f.has_value()) << type;
    ASSERT_NE(hook::find(*f, "B"), nullptr);
    EXPECT_EQ(*hook::find(*f, "B"), "+84");
    EXPECT_EQ(hook::find(*f, "C"), nullptr);
  }
  r.content_type = "application/json";
  EXPECT_EQ(hook::form_fields(r, 10, 100).error().code, core::errc::unsupported_media_type);
  r.content_type = "multipart/form-data; boundary=b";
  r.body = "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--b--\r\n";
  const auto m = hook::form_fields(r, 10, 100);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(*hook::find(*m, "x"), "y");
}

TEST(TelephonyHookCommon, OptionReaders) {
  const nlohmann::json o = {{"s", "v"}, {"n", 5}, {"bad", 1.5}, {"neg", -1}};
  EXPECT_EQ(hook::opt::string(o, "p", "s", true), "v");
  EXPECT_EQ(hook::opt::string(o, "p", "missing", false, "d"), "d");
  EXPECT_THROW(hook::opt::string(o, "p", "missing", true), config::config_error);
  EXPECT_EQ(hook::opt::size(o, "p", "n", 1, 0, 10), 5u);
  EXPECT_EQ(hook::opt::size(o, "p", "missing", 7, 0, 10), 7u);
  EXPECT_THROW(hook::opt::size(o, "p", "n", 1, 6, 10), config::config_error);
  EXPECT_THROW(hook::opt::size(o, "p", "bad", 1, 0, 10), config::config_error);
  EXPECT_THROW(hook::opt::size(o, "p", "neg", 1, 0, 10), config::config_error);
  EXPECT_NO_THROW(hook::opt::only_keys(o, "p", {"s", "n", "bad", "neg"}));
  try {
    hook::opt::only_keys(o, "sources[1].options", {"s"});
    FAIL();
  } catch (const config::config_error& e) {
    EXPECT_NE(std::string(e.what()).find("sources[1].options."), std::string::npos);
  }
}

}  // namespace
}  // namespace lg::adapters
