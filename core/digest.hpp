// The one digest and hex/base64 code: SHA-1/SHA-256 digests and HMACs over raw bytes (OpenSSL),
// hex and base64 encodings, and a constant-time comparison. Pure functions over values.
#pragma once

#include <string>
#include <string_view>

namespace lg::core {

std::string sha256_hex(std::string_view data);                                 // lower-case hex
std::string sha1_hex(std::string_view data);                                   // lower-case hex
std::string hmac_sha256(std::string_view key, std::string_view data);           // raw bytes
std::string hmac_sha1(std::string_view key, std::string_view data);             // raw bytes
std::string to_hex(std::string_view bytes);                                     // lower-case
std::string base64_encode(std::string_view bytes);
bool base64_decode(std::string_view text, std::string& out);                    // false on bad input
// Constant time in the length of the expected value; false when lengths differ.
bool equal_constant_time(std::string_view a, std::string_view b) noexcept;

}  // namespace lg::core
