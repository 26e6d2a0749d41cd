// Known-answer tests for the signature helpers (FIPS 180-2, RFC 4231, RFC 2202, RFC 4648).
#include "core/digest.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace lg::core {
namespace {

TEST(Signature, Sha256KnownAnswers) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");  // FIPS 180-2
}

TEST(Signature, HmacSha256Rfc4231Case2) {
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Signature, HmacSha256EmptyKeyIsAKeyNotAnError) {
  // HMAC with an empty key is well defined; the result must be 32 bytes and stable.
  const auto a = hmac_sha256("", "data");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, hmac_sha256("", "data"));
  EXPECT_NE(a, hmac_sha256("k", "data"));
}

TEST(Signature, HmacSha1Rfc2202Case2) {
  EXPECT_EQ(to_hex(hmac_sha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST(Signature, HexIsLowerCase) {
  EXPECT_EQ(to_hex(std::string("\x00\x0f\xab\xff", 4)), "000fabff");
}

TEST(Signature, Base64Rfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> table{
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : table) {
    EXPECT_EQ(base64_encode(plain), encoded) << plain;
    std::string out = "junk";
    ASSERT_TRUE(base64_decode(encoded, out)) << encoded;
    EXPECT_EQ(out, plain) << encoded;
  }
}

TEST(Signature, Base64RoundTripsBinary) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) bytes.push_back(static_cast<char>(i));
  std::string out;
  ASSERT_TRUE(base64_decode(base64_encode(bytes), out));
  EXPECT_EQ(out, bytes);
}

TEST(Signature, Base64RejectsMalformedInput) {
  std::string out;
  EXPECT_FALSE(base64_decode("Zg=", out));     // not a whole quantum
  EXPECT_FALSE(base64_decode("Zg", out));
  EXPECT_FALSE(base64_decode("Z===", out));    // too much padding
  EXPECT_FALSE(base64_decode("Zg=a", out));    // padding in the middle
  EXPECT_FALSE(base64_decode("Zm 9v", out));   // whitespace
  EXPECT_FALSE(base64_decode("Zm9*", out));    // not in the alphabet
  EXPECT_FALSE(base64_decode("Zm9v\n", out));
}

TEST(Signature, ConstantTimeEquality) {
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_TRUE(equal_constant_time("", ""));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "abcd"));
  EXPECT_FALSE(equal_constant_time("", "a"));
}

}  // namespace
}  // namespace lg::core
