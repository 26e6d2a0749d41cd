// Signature math over raw bytes with OpenSSL 3 one-shot APIs. Every helper is total: bad input
// yields an empty/false result, never an exception, because these run on the request path.
#include "core/digest.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstddef>
#include <cstdint>

namespace lg::core {
namespace {

// OpenSSL 3 looks a digest up in its providers on every use of EVP_sha256() and friends (a
// property query under a lock); fetched once, the object is immutable and shared by threads.
const EVP_MD* fetched(const char* name, const EVP_MD* fallback) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  return md != nullptr ? md : fallback;  // kept for the life of the process
}

const EVP_MD* sha256_md() {
  static const EVP_MD* const md = fetched("SHA256", EVP_sha256());
  return md;
}

std::string digest(const EVP_MD* md, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr) != 1) return {};
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned len = 0;
  // HMAC() treats a null key pointer as "no key"; an empty key must still be a valid pointer.
  static const unsigned char empty = 0;
  const void* k = key.empty() ? static_cast<const void*>(&empty) : key.data();
  if (HMAC(md, k, static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
           data.size(), out.data(), &len) == nullptr) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

}  // namespace

std::string sha256_hex(std::string_view data) { return to_hex(digest(sha256_md(), data)); }
std::string sha1_hex(std::string_view data) { return to_hex(digest(EVP_sha1(), data)); }

std::string hmac_sha256(std::string_view key, std::string_view data) {
  return hmac(sha256_md(), key, data);
}

std::string hmac_sha1(std::string_view key, std::string_view data) {
  return hmac(EVP_sha1(), key, data);
}

std::string to_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0x0f]);
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  if (bytes.empty()) return {};
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  if (text.empty()) return true;
  // EVP_DecodeBlock wants whole quanta and counts '=' padding as zero bytes, so the length must
  // be a multiple of 4 and the padding is subtracted by hand. Padding may only end the text.
  if (text.size() % 4 != 0) return false;
  std::size_t pad = 0;
  if (text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  for (std::size_t i = 0; i + pad < text.size(); ++i) {
    const char c = text[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return false;  // EVP_DecodeBlock would skip whitespace silently; we refuse it
  }
  if (text.size() > static_cast<std::size_t>(INT32_MAX)) return false;
  std::string buf(3 * (text.size() / 4), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(buf.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0 || static_cast<std::size_t>(n) < pad) return false;
  buf.resize(static_cast<std::size_t>(n) - pad);
  out = std::move(buf);
  return true;
}

bool equal_constant_time(std::string_view a, std::string_view b) noexcept {
  // The length of a MAC is public (fixed by the algorithm), so an early exit on it leaks nothing.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace lg::core
