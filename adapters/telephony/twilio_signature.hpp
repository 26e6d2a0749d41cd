// Twilio's request signature (X-Twilio-Signature), shared by the voice and SMS adapters:
// Base64(HMAC-SHA1(key = auth token, msg = full URL incl. query + POST params sorted by name,
// each appended as name+value without separators)). Twilio signs the URL it called, which
// behind a proxy is not what we received: the URL is rebuilt from the configured public base
// URL plus the request target. Its own validators accept the URL with and without the port
// (https URLs are signed without it), so both forms are tried.
#pragma once

#include "adapters/inbound_request.hpp"
#include "adapters/web_form/web_form.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lg::adapters::twilio {

// The raw signature (not yet Base64) over url + sorted params (sorted by name, then value).
std::string compute_signature(std::string_view auth_token, std::string_view url, const web_form::field_list& params);

// The URL with any explicit port removed, and with the scheme's default port added when none
// is given (an explicit non-default port is kept). Both are candidates; deduplicated.
std::vector<std::string> url_variants(std::string_view url);

// public_base_url (no trailing slash needed) + target ("/v1/hooks/sms/x?token=1").
std::string request_url(std::string_view public_base_url, std::string_view target);

// Constant-time check of the X-Twilio-Signature header against every URL variant.
// `params` are the POST body's fields (empty for a GET, whose params are in the URL).
bool signature_ok(std::string_view auth_token, std::string_view url, const web_form::field_list& params,
                  std::string_view header_value);

}  // namespace lg::adapters::twilio

#include "config/config.hpp"
#include "core/error.hpp"

#include <expected>

namespace lg::adapters::twilio {

// The request's parameters (the form body of a POST, the query of a GET), returned only when
// X-Twilio-Signature verifies. The URL is public_base_url + target; when no base URL is
// configured, https:// and http:// with the Host header are tried. Errors: unauthorized,
// bad_request / unsupported_media_type (a body that cannot be read cannot be verified).
std::expected<web_form::field_list, core::error> verified_params(const inbound_request& req,
                                                                 std::string_view auth_token,
                                                                 std::string_view public_base_url,
                                                                 std::size_t max_fields,
                                                                 std::size_t max_field_length);

// What every Twilio webhook source (voice status callbacks, messaging) takes from its options.
struct hook_options {
  std::string auth_token;
  std::string public_base_url;  // empty: the Host header, https and http
  std::size_t max_body = 0;
};

// Reads options.auth_token (required secret), options.public_base_url (an http(s) URL) and
// options.max_body_bytes; `path` names the source. The caller checks the set of keys.
hook_options read_hook_options(const config::source_config& src, const std::string& path);

// A delivery's parameters once its size, its X-Twilio-Signature and the source token (when the
// source has one) all pass; otherwise the error the request is answered with.
std::expected<web_form::field_list, core::error> accept(const inbound_request& req, const config::source_config& src,
                                                        const hook_options& o);

// The accept step of every Twilio preset (telephony/hook_adapter.hpp): accept() with its options.
struct signed_preset {
  hook_options opts;

  std::expected<web_form::field_list, core::error> accept(const config::source_config& src,
                                                          const inbound_request& req) const {
    return twilio::accept(req, src, opts);
  }
};

}  // namespace lg::adapters::twilio
