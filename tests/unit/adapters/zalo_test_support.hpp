// Shared by the Zalo tests: fixtures and a signer that follows the documented recipe
// (hex SHA-256 of app_id + raw body + timestamp + OA secret key), independent of the adapter.
#pragma once

#include "adapters/signature.hpp"

#include <fstream>
#include <sstream>
#include <string>

namespace lg::adapters::zalo::test {

inline const std::string app_id = "3608465248940903967";
inline const std::string oa_id = "3886132808798806450";
inline const std::string secret = "test-oa-secret";

inline std::string fixture(const std::string& name) {
  std::ifstream in(std::string(LG_FIXTURES_DIR) + "/zalo/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::string mac(const std::string& body, const std::string& timestamp,
                       const std::string& id = app_id, const std::string& key = secret) {
  return "mac=" + sig::sha256_hex(id + body + timestamp + key);
}

}  // namespace lg::adapters::zalo::test
