// See admin_auth.hpp.
#include "gateway/admin/auth.hpp"

#include "core/digest.hpp"

#include <boost/algorithm/hex.hpp>

namespace lg::gateway {
namespace {

constexpr std::size_t max_token_length = 512;

// RFC 6750 §2.1: "Bearer" (case-insensitive scheme) then one space and the token.
std::optional<std::string_view> bearer_token(std::string_view header) {
  constexpr std::string_view scheme = "bearer ";
  if (header.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != scheme[i]) return std::nullopt;
  }
  auto token = header.substr(scheme.size());
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty() || token.size() > max_token_length || token.find(' ') != std::string_view::npos)
    return std::nullopt;
  return token;
}

}  // namespace

std::string_view to_string(admin_role r) noexcept {
  switch (r) {
    case admin_role::viewer:
      return "viewer";
    case admin_role::agent:
      return "agent";
    case admin_role::admin:
      return "admin";
  }
  return "viewer";
}

std::optional<admin_role> parse_admin_role(std::string_view s) noexcept {
  if (s == "viewer") return admin_role::viewer;
  if (s == "agent") return admin_role::agent;
  if (s == "admin") return admin_role::admin;
  return std::nullopt;
}

admin_auth::admin_auth(const config::admin_config& cfg) {
  for (const auto& t : cfg.tokens) {
    const auto role = parse_admin_role(t.role);
    if (!role) continue;  // config validation already refused it
    std::string digest;
    try {
      boost::algorithm::unhex(t.sha256.begin(), t.sha256.end(), std::back_inserter(digest));
    } catch (const boost::algorithm::hex_decode_error&) {
      continue;
    }
    tokens_.push_back(entry{std::move(digest), principal{t.name, *role, t.member}});
  }
}

std::expected<principal, core::error> admin_auth::check(const request& req, admin_role needed) const {
  const auto it = req.find(http::field::authorization);
  if (it == req.end())
    return std::unexpected(core::make_error(core::errc::unauthorized,
                                            "an admin token is required: Authorization: Bearer <token>"));
  const auto token = bearer_token(std::string_view(it->value().data(), it->value().size()));
  if (!token)
    return std::unexpected(core::make_error(core::errc::unauthorized,
                                            "malformed Authorization header; expected Bearer <token>"));
  std::string hex = core::sha256_hex(*token);
  std::string digest;
  boost::algorithm::unhex(hex.begin(), hex.end(), std::back_inserter(digest));
  const entry* found = nullptr;
  // Every entry is compared, whatever matched, so the time does not tell which one did.
  for (const auto& e : tokens_) {
    if (core::equal_constant_time(digest, e.digest) && found == nullptr) found = &e;
  }
  if (found == nullptr) return std::unexpected(core::make_error(core::errc::unauthorized, "unknown admin token"));
  if (static_cast<int>(found->who.role) < static_cast<int>(needed))
    return std::unexpected(core::make_error(core::errc::forbidden, "this token's role (" +
                                                                        std::string(to_string(found->who.role)) +
                                                                        ") may not do this; it needs " +
                                                                        std::string(to_string(needed))));
  return found->who;
}

response auth_error_response(const core::error& err) {
  auto res = error_response(err);
  if (err.code == core::errc::unauthorized) res.set(http::field::www_authenticate, "Bearer realm=\"leadgate\"");
  return res;
}

}  // namespace lg::gateway
