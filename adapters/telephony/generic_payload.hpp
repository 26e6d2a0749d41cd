// The "generic" preset shared by hotline and SMS sources from the many local providers that
// have no preset of their own: the body is JSON or a form, fields are picked by a configured
// map of target -> path ("data.caller.number" into JSON, a field name in a form), and the
// delivery is authenticated by an HMAC-SHA256 of the raw body in a configured header (hex or
// Base64, an optional "sha256=" prefix), or by the source token when no header is configured.
#pragma once

#include "adapters/inbound_request.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "config/config.hpp"
#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <expected>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace lg::adapters::generic {

struct auth {
  std::string header;  // lower-cased header name; empty: token auth
  std::string secret;
};

// Reads options.signature_header / options.secret. Throws config_error when neither a
// signature header nor the source token is configured: an open endpoint would accept anyone.
auth read_auth(const config::source_config& src, const std::string& path);

// Signature check (constant time) or, without a signature header, the source token.
bool auth_ok(const auth& a, const config::source_config& src, const inbound_request& req);

// The checks every generic delivery passes before its body is read: POST only, the body within
// max_body, then auth_ok. The error is the request's answer.
std::expected<void, core::error> check_request(const inbound_request& req, const auth& a,
                                               const config::source_config& src, std::size_t max_body);

// Pure HMAC-SHA256 check of a header value against the raw body.
bool hmac_header_ok(std::string_view secret, std::string_view body, std::string_view header_value);

// options.field_map: target -> path. Unknown targets and missing required ones are config errors.
std::map<std::string, std::string> read_field_map(const config::source_config& src, const std::string& path,
                                                  std::initializer_list<const char*> known,
                                                  std::initializer_list<const char*> required);

class payload {
 public:
  // JSON when the Content-Type says so (or is absent and the body starts with '{'), else a form.
  static std::expected<payload, core::error> parse(const inbound_request& req, std::size_t max_fields,
                                                   std::size_t max_field_length);
  // A scalar at `path` as text (numbers in decimal, booleans "true"/"false"); nullopt when absent.
  std::optional<std::string> get(std::string_view path) const;

 private:
  bool is_json_ = false;
  nlohmann::json doc_;
  hook::field_list fields_;
};

// A parsed body seen through the source's field map (target -> path).
class mapped_body {
 public:
  mapped_body(payload body, const std::map<std::string, std::string>& map) : body_(std::move(body)), map_(&map) {}
  // The value of a target ("from"); nullopt when the target is not mapped or its path is absent.
  std::optional<std::string> get(const std::string& target) const;
  bool maps(const std::string& target) const { return map_->contains(target); }

 private:
  payload body_;
  const std::map<std::string, std::string>* map_;
};

// What the generic hotline and SMS presets share (telephony/hook_adapter.hpp): how a delivery
// is authenticated, the field map, and the body bound.
struct mapped_preset {
  auth credentials;
  std::map<std::string, std::string> field_map;
  std::size_t max_body = 0;

  // check_request.
  std::expected<void, core::error> accept(const config::source_config& src, const inbound_request& req) const;
  // The body through field_map; an authentic body that cannot be read is a quarantine reason,
  // "<label>: <why>".
  std::expected<mapped_body, std::string> read_body(const config::source_config& src, const inbound_request& req,
                                                    std::string_view label) const;
};

// read_auth, then read_field_map; max_body is left to the caller.
mapped_preset read_mapped_preset(const config::source_config& src, const std::string& path,
                                 std::initializer_list<const char*> known_targets,
                                 std::initializer_list<const char*> required_targets);

}  // namespace lg::adapters::generic
