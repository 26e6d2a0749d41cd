// Twilio request signatures: URL + sorted params, HMAC-SHA1, Base64, compared in constant time.
#include "adapters/telephony/twilio_signature.hpp"

#include "core/digest.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "core/url.hpp"

#include <algorithm>

namespace lg::adapters::twilio {
namespace {

struct url_parts {
  std::string_view scheme;     // "https"
  std::string_view host;       // "example.com" or "[::1]"
  std::string_view port;       // "" when absent
  std::string_view rest;       // "/path?query" (may be empty)
};

bool split_url(std::string_view url, url_parts& p) {
  const auto sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  p.scheme = url.substr(0, sep);
  auto after = url.substr(sep + 3);
  const auto slash = after.find_first_of("/?#");
  auto authority = after.substr(0, slash);
  p.rest = slash == std::string_view::npos ? std::string_view{} : after.substr(slash);
  // Port: the digits after the last ':' that is not inside an IPv6 literal.
  const auto bracket = authority.rfind(']');
  const auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    p.host = authority.substr(0, colon);
    p.port = authority.substr(colon + 1);
  } else {
    p.host = authority;
    p.port = {};
  }
  return !p.host.empty();
}

std::string join(const url_parts& p, std::string_view port) {
  std::string out;
  out.append(p.scheme).append("://").append(p.host);
  if (!port.empty()) out.append(":").append(port);
  out.append(p.rest);
  return out;
}

}  // namespace

std::string compute_signature(std::string_view auth_token, std::string_view url, const web_form::field_list& params) {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(params.size());
  for (const auto& p : params) sorted.push_back(&p);
  // Code-point order of UTF-8 strings is their byte order.
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return a->first != b->first ? a->first < b->first : a->second < b->second;
  });
  std::string msg(url);
  for (const auto* p : sorted) msg.append(p->first).append(p->second);
  return core::hmac_sha1(auth_token, msg);
}

std::vector<std::string> url_variants(std::string_view url) {
  url_parts p;
  if (!split_url(url, p)) return {std::string(url)};
  std::vector<std::string> out;
  out.push_back(join(p, {}));
  std::string_view port = p.port;
  if (port.empty()) {
    if (p.scheme == "https") port = "443";
    else if (p.scheme == "http") port = "80";
  }
  if (!port.empty()) out.push_back(join(p, port));
  if (std::find(out.begin(), out.end(), url) == out.end()) out.emplace_back(url);
  return out;
}

std::string request_url(std::string_view public_base_url, std::string_view target) {
  std::string out(public_base_url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  if (target.empty() || target.front() != '/') out.push_back('/');
  out.append(target);
  return out;
}

bool signature_ok(std::string_view auth_token, std::string_view url, const web_form::field_list& params,
                  std::string_view header_value) {
  std::string given;
  if (header_value.empty() || header_value.size() > 256 || !core::base64_decode(header_value, given)) return false;
  bool ok = false;
  // Every variant is computed and compared, so the time taken does not say which one matched.
  for (const auto& candidate : url_variants(url))
    ok = core::equal_constant_time(compute_signature(auth_token, candidate, params), given) || ok;
  return ok;
}

std::expected<web_form::field_list, core::error> verified_params(const inbound_request& req,
                                                                 std::string_view auth_token,
                                                                 std::string_view public_base_url,
                                                                 std::size_t max_fields,
                                                                 std::size_t max_field_length) {
  const auto header = req.header("x-twilio-signature");
  if (!header) return std::unexpected(core::make_error(core::errc::unauthorized, "missing X-Twilio-Signature"));
  web_form::field_list signed_params, all;
  if (req.method == "POST") {
    auto body = hook::form_fields(req, max_fields, max_field_length);
    if (!body) return std::unexpected(body.error());
    signed_params = std::move(*body);
    all = signed_params;
  } else if (req.method != "GET") {
    return std::unexpected(core::make_error(core::errc::method_not_allowed, "POST or GET only"));
  }
  std::vector<std::string> bases;
  if (!public_base_url.empty()) {
    bases.emplace_back(public_base_url);
  } else if (auto host = req.header("host"); host && !host->empty() && host->size() <= 255) {
    bases.push_back("https://" + std::string(*host));
    bases.push_back("http://" + std::string(*host));
  }
  bool ok = false;
  for (const auto& base : bases) ok = signature_ok(auth_token, request_url(base, req.target), signed_params, *header) || ok;
  if (!ok) return std::unexpected(core::make_error(core::errc::unauthorized, "wrong X-Twilio-Signature"));
  // Query parameters are part of the signed URL, so they are authentic too; body wins on a clash.
  if (!req.query.empty()) {
    if (auto q = web_form::parse_urlencoded(req.query, max_fields, max_field_length))
      all.insert(all.end(), q->begin(), q->end());
  }
  return all;
}

hook_options read_hook_options(const config::source_config& src, const std::string& path) {
  const auto p = path + ".options";
  hook_options o;
  o.auth_token = hook::opt::secret(src.options, p, "auth_token", true);
  o.public_base_url = hook::opt::string(src.options, p, "public_base_url", false);
  if (!o.public_base_url.empty() && !core::is_http_url(o.public_base_url))
    throw config::config_error(p + ".public_base_url: not an http(s) URL");
  o.max_body = hook::opt::max_body(src.options, p);
  return o;
}

std::expected<web_form::field_list, core::error> accept(const inbound_request& req, const config::source_config& src,
                                                        const hook_options& o) {
  if (auto ok = hook::body_within(req, o.max_body); !ok) return std::unexpected(ok.error());
  auto params = verified_params(req, o.auth_token, o.public_base_url, src.max_fields, o.max_body);
  if (!params) return params;
  if (!web_form::token_ok(src, req))
    return std::unexpected(core::make_error(core::errc::unauthorized, "missing or wrong token"));
  return params;
}

}  // namespace lg::adapters::twilio
