#include "webhooks/standard_webhooks.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace lg::webhooks {
namespace {

using namespace std::chrono_literals;

// The vector published in the Standard Webhooks spec and reference libraries; the expected
// signature was recomputed independently with
//   printf '%s' 'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}' |
//     openssl dgst -sha256 -mac HMAC -macopt hexkey:31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0 -binary | base64
// where the hex key is `echo -n MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw | base64 -d | xxd -p`.
constexpr std::string_view spec_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view spec_id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr std::int64_t spec_ts = 1614265330;
constexpr std::string_view spec_body = R"({"test": 2432232314})";
constexpr std::string_view spec_sig = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

// A second key for rotation: base64 of "leadgate-rotation-secret-0123456789" (35 bytes); its
// signature over the same message, computed the same way with openssl:
constexpr std::string_view other_secret = "whsec_bGVhZGdhdGUtcm90YXRpb24tc2VjcmV0LTAxMjM0NTY3ODk=";
constexpr std::string_view other_sig = "v1,6QoiupyeyDaokE/N8ESjTy61unsAkrC9BTZWJNsdpgY=";

signing_key key(std::string_view secret) {
  auto k = decode_secret(secret);
  EXPECT_TRUE(k) << (k ? "" : k.error().message);
  return k ? *k : signing_key{};
}

std::chrono::system_clock::time_point at(std::int64_t s) {
  return std::chrono::system_clock::time_point{std::chrono::seconds(s)};
}

TEST(StandardWebhooks, SignsTheSpecVector) {
  EXPECT_EQ(sign(key(spec_secret), spec_id, spec_ts, spec_body), spec_sig);
  // The whsec_ prefix is optional.
  EXPECT_EQ(sign(key(spec_secret.substr(6)), spec_id, spec_ts, spec_body), spec_sig);
}

TEST(StandardWebhooks, SeveralSecretsGiveSpaceSeparatedSignatures) {
  const std::vector<signing_key> keys{key(spec_secret), key(other_secret)};
  EXPECT_EQ(signature_header(keys, spec_id, spec_ts, spec_body),
            std::string(spec_sig) + " " + std::string(other_sig));
  const auto h = make_headers(keys, spec_id, at(spec_ts) + 900ms, spec_body);
  EXPECT_EQ(h.id, spec_id);
  EXPECT_EQ(h.timestamp, "1614265330");
  EXPECT_EQ(h.signature, std::string(spec_sig) + " " + std::string(other_sig));
}

TEST(StandardWebhooks, VerifyAcceptsAnyMatchingKeyAndEntry) {
  const std::vector<signing_key> spec_only{key(spec_secret)};
  const std::vector<signing_key> other_only{key(other_secret)};
  const auto now = at(spec_ts);
  EXPECT_TRUE(verify(spec_only, spec_id, "1614265330", spec_sig, spec_body, now));
  // Rotation: the receiver knows only the new key; the header carries both.
  const std::string both = std::string(spec_sig) + " " + std::string(other_sig);
  EXPECT_TRUE(verify(other_only, spec_id, "1614265330", both, spec_body, now));
  // Entries of other schemes are skipped, not fatal.
  EXPECT_TRUE(verify(spec_only, spec_id, "1614265330", "v1a,AAAA " + std::string(spec_sig), spec_body, now));
}

TEST(StandardWebhooks, VerifyRejectsTampering) {
  const std::vector<signing_key> keys{key(spec_secret)};
  const auto now = at(spec_ts);
  auto check = [&](std::string_view id, std::string_view ts, std::string_view sig, std::string_view body) {
    auto r = verify(keys, id, ts, sig, body, now);
    EXPECT_FALSE(r);
    return r ? core::errc::ok : r.error().code;
  };
  EXPECT_EQ(check(spec_id, "1614265330", spec_sig, R"({"test": 2432232315})"), core::errc::unauthorized);
  EXPECT_EQ(check("msg_other", "1614265330", spec_sig, spec_body), core::errc::unauthorized);
  EXPECT_EQ(check(spec_id, "1614265331", spec_sig, spec_body), core::errc::unauthorized);
  EXPECT_EQ(check(spec_id, "1614265330", other_sig, spec_body), core::errc::unauthorized);
  // A right MAC under a wrong version tag does not count.
  std::string v2(spec_sig);
  v2[1] = '2';
  EXPECT_EQ(check(spec_id, "1614265330", v2, spec_body), core::errc::unauthorized);
  EXPECT_EQ(check(spec_id, "1614265330", std::string(spec_sig) + "x", spec_body), core::errc::unauthorized);
  EXPECT_EQ(check(spec_id, "1614265330", "", spec_body), core::errc::missing_field);
  EXPECT_EQ(check("", "1614265330", spec_sig, spec_body), core::errc::missing_field);
  EXPECT_EQ(check(spec_id, "", spec_sig, spec_body), core::errc::missing_field);
  EXPECT_EQ(check(spec_id, "16142x", spec_sig, spec_body), core::errc::invalid_field);
  EXPECT_EQ(check(spec_id, "-9223372036854775808", spec_sig, spec_body), core::errc::unauthorized);
}

TEST(StandardWebhooks, VerifyEnforcesTheTolerance) {
  const std::vector<signing_key> keys{key(spec_secret)};
  EXPECT_TRUE(verify(keys, spec_id, "1614265330", spec_sig, spec_body, at(spec_ts + 300)));
  EXPECT_TRUE(verify(keys, spec_id, "1614265330", spec_sig, spec_body, at(spec_ts - 300)));
  auto late = verify(keys, spec_id, "1614265330", spec_sig, spec_body, at(spec_ts + 301));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, core::errc::unauthorized);
  EXPECT_EQ(late.error().field, "webhook-timestamp");
  EXPECT_FALSE(verify(keys, spec_id, "1614265330", spec_sig, spec_body, at(spec_ts - 301)));
  EXPECT_TRUE(verify(keys, spec_id, "1614265330", spec_sig, spec_body, at(spec_ts + 3000), 1h));
}

TEST(StandardWebhooks, SecretValidation) {
  auto bad = [](std::string_view s) {
    auto k = decode_secret(s);
    EXPECT_FALSE(k) << s;
    return k ? core::errc::ok : k.error().code;
  };
  EXPECT_EQ(bad("whsec_"), core::errc::missing_field);
  EXPECT_EQ(bad(""), core::errc::missing_field);
  EXPECT_EQ(bad("whsec_not base64!"), core::errc::invalid_field);
  EXPECT_EQ(bad("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS"), core::errc::invalid_field);  // length % 4
  EXPECT_EQ(bad("whsec_c2hvcnQ="), core::errc::invalid_field);  // "short": 5 bytes < 24
  EXPECT_EQ(bad("whsec_" + base64_encode(std::string(65, 'k'))), core::errc::invalid_field);
  EXPECT_TRUE(decode_secret("whsec_" + base64_encode(std::string(64, 'k'))));
  EXPECT_EQ(decode_secret(spec_secret)->bytes.size(), 24u);
}

TEST(StandardWebhooks, Base64RoundTripAndStrictness) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(*base64_decode("Zg=="), "f");
  EXPECT_EQ(*base64_decode("Zm8="), "fo");
  EXPECT_EQ(*base64_decode("Zm9v"), "foo");
  const std::string binary("\x00\xff\x10\x80", 4);
  EXPECT_EQ(*base64_decode(base64_encode(binary)), binary);
  EXPECT_FALSE(base64_decode("Zg="));
  EXPECT_FALSE(base64_decode("Z=g="));
  EXPECT_FALSE(base64_decode("Zm 9"));
  EXPECT_FALSE(base64_decode("Zm9v\n"));
}

TEST(StandardWebhooks, PayloadShape) {
  // 1667507170.344 s = 2022-11-03T20:26:10.344Z (date -u -d @1667507170).
  const auto ts = std::chrono::system_clock::time_point{std::chrono::milliseconds(1667507170344)};
  const auto text = build_payload("contact.created", ts, nlohmann::json{{"id", "c1"}, {"phone", "+84901234567"}});
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j.at("type"), "contact.created");
  EXPECT_EQ(j.at("timestamp"), "2022-11-03T20:26:10.344Z");
  EXPECT_EQ(j.at("data").at("phone"), "+84901234567");
  EXPECT_EQ(j.size(), 3u);
}

}  // namespace
}  // namespace lg::webhooks
