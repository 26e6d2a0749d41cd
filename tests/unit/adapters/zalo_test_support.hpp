// Shared by the Zalo tests: fixtures and a signer that follows the documented recipe
// (hex SHA-256 of app_id + raw body + timestamp + OA secret key), independent of the adapter.
#pragma once

#include "core/digest.hpp"
#include "unit/adapters/adapter_test_support.hpp"

#include <string>

namespace lg::adapters::zalo::test {

inline const std::string app_id = "3608465248940903967";
inline const std::string oa_id = "3886132808798806450";
inline const std::string secret = "test-oa-secret";

inline std::string fixture(const std::string& name) { return adapters::test_support::fixture("zalo", name); }

inline std::string mac(const std::string& body, const std::string& timestamp,
                       const std::string& id = app_id, const std::string& key = secret) {
  return "mac=" + core::sha256_hex(id + body + timestamp + key);
}

}  // namespace lg::adapters::zalo::test
