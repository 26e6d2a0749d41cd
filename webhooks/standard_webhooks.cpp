#include "webhooks/standard_webhooks.hpp"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>

#include <charconv>
#include <cstdio>

namespace lg::webhooks {

namespace {

constexpr std::string_view secret_prefix = "whsec_";
constexpr std::size_t min_key_bytes = 24;
constexpr std::size_t max_key_bytes = 64;

std::string hmac_sha256(std::string_view key, std::string_view id, std::string_view ts,
                        std::string_view body) {
  // HMAC over the three parts without building the joined string: the body can be ~20 kB.
  // The MAC implementation is fetched once; each call only allocates a context.
  static EVP_MAC* const impl = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = impl ? EVP_MAC_CTX_new(impl) : nullptr;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                         OSSL_PARAM_construct_end()};
  unsigned char mac[EVP_MAX_MD_SIZE];
  std::size_t out_len = 0;
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  auto feed = [&](std::string_view part) {
    return EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(part.data()), part.size());
  };
  const bool ok = ctx && EVP_MAC_init(ctx, k, key.size(), params) && feed(id) && feed(".") &&
                  feed(ts) && feed(".") && feed(body) &&
                  EVP_MAC_final(ctx, mac, &out_len, sizeof mac);
  EVP_MAC_CTX_free(ctx);
  // Only an allocation failure inside OpenSSL fails here: an empty MAC never verifies and a
  // receiver rejects the delivery, which is retried.
  if (!ok) return {};
  return std::string(reinterpret_cast<const char*>(mac), out_len);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::expected<std::string, core::error> base64_decode(std::string_view text) {
  auto bad = [] { return std::unexpected(core::make_error(core::errc::invalid_field, "not valid base64")); };
  if (text.size() % 4 != 0) return bad();
  std::size_t pad = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '+' || c == '/';
    if (c == '=' && i + 2 >= text.size()) {
      ++pad;
    } else if (!alpha || pad > 0) {  // EVP_DecodeBlock would skip whitespace: be strict
      return bad();
    }
  }
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return bad();
  // EVP_DecodeBlock counts the bytes a padding character stands for; drop them.
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

std::expected<signing_key, core::error> decode_secret(std::string_view secret) {
  if (secret.starts_with(secret_prefix)) secret.remove_prefix(secret_prefix.size());
  if (secret.empty())
    return std::unexpected(core::make_error(core::errc::missing_field, "webhook secret is empty", "secret"));
  auto bytes = base64_decode(secret);
  if (!bytes)
    return std::unexpected(core::make_error(core::errc::invalid_field,
                                            "webhook secret is not whsec_ followed by base64", "secret"));
  if (bytes->size() < min_key_bytes || bytes->size() > max_key_bytes)
    return std::unexpected(core::make_error(
        core::errc::invalid_field,
        "webhook secret decodes to " + std::to_string(bytes->size()) +
            " bytes; Standard Webhooks needs 24 to 64",
        "secret"));
  return signing_key{std::move(*bytes)};
}

std::string sign(const signing_key& key, std::string_view msg_id, std::int64_t timestamp,
                 std::string_view body) {
  char ts[24];
  auto end = std::to_chars(ts, ts + sizeof ts, timestamp).ptr;
  return "v1," + base64_encode(hmac_sha256(key.bytes, msg_id, std::string_view(ts, end), body));
}

std::string signature_header(std::span<const signing_key> keys, std::string_view msg_id,
                             std::int64_t timestamp, std::string_view body) {
  std::string out;
  for (const auto& key : keys) {
    if (!out.empty()) out += ' ';
    out += sign(key, msg_id, timestamp, body);
  }
  return out;
}

webhook_headers make_headers(std::span<const signing_key> keys, std::string_view msg_id,
                             std::chrono::system_clock::time_point now, std::string_view body) {
  const auto ts = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  return {std::string(msg_id), std::to_string(ts), signature_header(keys, msg_id, ts, body)};
}

std::expected<void, core::error> verify(std::span<const signing_key> keys, std::string_view msg_id,
                                        std::string_view timestamp,
                                        std::string_view signature_header_value,
                                        std::string_view body,
                                        std::chrono::system_clock::time_point now,
                                        std::chrono::seconds tolerance) {
  using core::errc;
  using core::make_error;
  timestamp = trim(timestamp);
  if (msg_id.empty())
    return std::unexpected(make_error(errc::missing_field, "webhook-id is missing", std::string(header_webhook_id)));
  if (timestamp.empty())
    return std::unexpected(make_error(errc::missing_field, "webhook-timestamp is missing",
                                      std::string(header_webhook_timestamp)));
  if (trim(signature_header_value).empty())
    return std::unexpected(make_error(errc::missing_field, "webhook-signature is missing",
                                      std::string(header_webhook_signature)));
  std::int64_t ts = 0;
  auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), ts);
  if (ec != std::errc{} || end != timestamp.data() + timestamp.size())
    return std::unexpected(make_error(errc::invalid_field, "webhook-timestamp is not unix seconds",
                                      std::string(header_webhook_timestamp)));
  const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  // No subtraction involving ts: a hostile value near INT64_MIN must not overflow.
  if (ts < now_s - tolerance.count() || ts > now_s + tolerance.count())
    return std::unexpected(make_error(errc::unauthorized, "webhook-timestamp is outside the tolerance",
                                      std::string(header_webhook_timestamp)));
  for (const auto& key : keys) {
    const std::string expected = sign(key, msg_id, ts, body);
    std::string_view rest = signature_header_value;
    while (!rest.empty()) {
      const auto space = rest.find(' ');
      const std::string_view entry = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      if (entry.size() == expected.size() && entry.starts_with("v1,") &&
          CRYPTO_memcmp(entry.data(), expected.data(), expected.size()) == 0)
        return {};
    }
  }
  return std::unexpected(make_error(errc::unauthorized, "no webhook-signature entry matches",
                                    std::string(header_webhook_signature)));
}

std::string build_payload(std::string_view type, std::chrono::system_clock::time_point timestamp,
                          const nlohmann::json& data) {
  // GCC 12 has no std::format: print the UTC calendar fields by hand.
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(timestamp);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  nlohmann::json j = {{"type", type}, {"timestamp", text}, {"data", data}};
  return j.dump();
}

}  // namespace lg::webhooks
