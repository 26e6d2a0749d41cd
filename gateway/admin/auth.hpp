// Bearer-token authorization of the admin API (/admin/v1/…) and the agents' team routes.
// Tokens come from config `admin.tokens` as SHA-256 hex; a presented token is hashed and
// compared against every configured hash in constant time, so neither the token nor which
// entry matched leaks through timing. Roles rank viewer < agent < admin.
//
//   401 unauthorized  no `Authorization: Bearer …`, a malformed header, or an unknown token
//                     (with `WWW-Authenticate: Bearer realm="leadgate"`)
//   403 forbidden     a known token whose role is below the route's
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "gateway/response.hpp"

#include <expected>
#include <optional>
#include <string>
#include <vector>

namespace lg::gateway {

enum class admin_role { viewer = 1, agent = 2, admin = 3 };

std::string_view to_string(admin_role r) noexcept;
std::optional<admin_role> parse_admin_role(std::string_view s) noexcept;

// Who made an authorized request: named in audit entries and timelines.
struct principal {
  std::string name;
  admin_role role = admin_role::viewer;
  std::string member;  // agents: the team member they act as
};

class admin_auth {
 public:
  admin_auth() = default;
  explicit admin_auth(const config::admin_config& cfg);

  // The caller when its token is known and its role is at least `needed`; else the error
  // (unauthorized or forbidden) to answer with auth_error_response().
  std::expected<principal, core::error> check(const request& req, admin_role needed) const;

  bool empty() const noexcept { return tokens_.empty(); }

 private:
  struct entry {
    std::string digest;  // raw 32 bytes
    principal who;
  };
  std::vector<entry> tokens_;
};

// The JSON error with its status; a 401 also carries WWW-Authenticate.
response auth_error_response(const core::error& err);

}  // namespace lg::gateway
