// The generic preset: configurable field paths and an HMAC-SHA256 header.
#include "adapters/telephony/generic_payload.hpp"

#include "core/digest.hpp"
#include "adapters/web_form/web_form.hpp"

#include <algorithm>

namespace lg::adapters::generic {
namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool is_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

std::optional<std::string> scalar_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_float()) return v.dump();
  return std::nullopt;
}

}  // namespace

auth read_auth(const config::source_config& src, const std::string& path) {
  auth a;
  a.header = lower(hook::opt::string(src.options, path + ".options", "signature_header", false));
  if (!a.header.empty()) a.secret = hook::opt::secret(src.options, path + ".options", "secret", true);
  else if (src.token.empty())
    throw config::config_error(path + ".options.signature_header: required unless the source has a token "
                                      "(an unauthenticated hook would accept anyone's calls)");
  return a;
}

bool hmac_header_ok(std::string_view secret, std::string_view body, std::string_view v) {
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.size() > 7 && hook::iequals(v.substr(0, 7), "sha256=")) v.remove_prefix(7);
  if (v.empty() || v.size() > 256) return false;
  const auto mac = core::hmac_sha256(secret, body);
  if (v.size() == 64 && is_hex(v)) return core::equal_constant_time(core::to_hex(mac), lower(std::string(v)));
  std::string raw;
  if (!core::base64_decode(v, raw)) return false;
  return core::equal_constant_time(mac, raw);
}

bool auth_ok(const auth& a, const config::source_config& src, const inbound_request& req) {
  if (!a.header.empty()) {
    const auto h = req.header(a.header);
    if (!h || !hmac_header_ok(a.secret, req.body, *h)) return false;
  }
  // The source token, when set, is checked as well: it is how a provider without signing
  // proves itself, and costs nothing when a signature is also present.
  return web_form::token_ok(src, req);
}

std::expected<void, core::error> check_request(const inbound_request& req, const auth& a,
                                               const config::source_config& src, std::size_t max_body) {
  if (req.method != "POST") return std::unexpected(core::make_error(core::errc::method_not_allowed, "POST only"));
  if (auto ok = hook::body_within(req, max_body); !ok) return ok;
  if (!auth_ok(a, src, req))
    return std::unexpected(core::make_error(core::errc::unauthorized, "missing or wrong signature or token"));
  return {};
}

std::map<std::string, std::string> read_field_map(const config::source_config& src, const std::string& path,
                                                  std::initializer_list<const char*> known,
                                                  std::initializer_list<const char*> required) {
  const std::string p = path + ".options.field_map";
  const auto it = src.options.find("field_map");
  if (it == src.options.end()) throw config::config_error(p + ": required");
  hook::opt::only_keys(*it, p, known);
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>().size() > 256)
      throw config::config_error(p + "." + k + ": must be a non-empty field name or JSON path");
    out[k] = v.get<std::string>();
  }
  for (const char* r : required)
    if (!out.contains(r)) throw config::config_error(p + "." + r + ": required");
  return out;
}

std::expected<payload, core::error> payload::parse(const inbound_request& req, std::size_t max_fields,
                                                   std::size_t max_field_length) {
  payload p;
  const auto ct = lower(req.content_type);
  const bool json = ct.find("json") != std::string::npos ||
                    (ct.empty() && !req.body.empty() && req.body.find_first_not_of(" \t\r\n") != std::string::npos &&
                     req.body[req.body.find_first_not_of(" \t\r\n")] == '{');
  if (json) {
    p.is_json_ = true;
    p.doc_ = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (p.doc_.is_discarded() || !p.doc_.is_object())
      return std::unexpected(core::make_error(core::errc::bad_request, "body is not a JSON object"));
    return p;
  }
  auto fields = hook::form_fields(req, max_fields, max_field_length);
  if (!fields) return std::unexpected(fields.error());
  p.fields_ = std::move(*fields);
  return p;
}

std::optional<std::string> payload::get(std::string_view path) const {
  if (!is_json_) {
    const auto* v = hook::find(fields_, path);
    return v ? std::optional<std::string>(*v) : std::nullopt;
  }
  // A top-level key that itself contains dots wins over the dotted walk.
  if (const auto it = doc_.find(std::string(path)); it != doc_.end()) return scalar_text(*it);
  const nlohmann::json* cur = &doc_;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const std::string key(path.substr(0, dot));
    if (!cur->is_object()) return std::nullopt;
    const auto it = cur->find(key);
    if (it == cur->end()) return std::nullopt;
    cur = &*it;
    path = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  }
  return scalar_text(*cur);
}

std::optional<std::string> mapped_body::get(const std::string& target) const {
  const auto it = map_->find(target);
  return it == map_->end() ? std::nullopt : body_.get(it->second);
}

std::expected<void, core::error> mapped_preset::accept(const config::source_config& src,
                                                       const inbound_request& req) const {
  return check_request(req, credentials, src, max_body);
}

std::expected<mapped_body, std::string> mapped_preset::read_body(const config::source_config& src,
                                                                 const inbound_request& req,
                                                                 std::string_view label) const {
  auto body = payload::parse(req, src.max_fields, max_body);
  if (!body) return std::unexpected(std::string(label) + ": " + body.error().message);
  return mapped_body(std::move(*body), field_map);
}

mapped_preset read_mapped_preset(const config::source_config& src, const std::string& path,
                                 std::initializer_list<const char*> known_targets,
                                 std::initializer_list<const char*> required_targets) {
  mapped_preset m;
  m.credentials = read_auth(src, path);
  m.field_map = read_field_map(src, path, known_targets, required_targets);
  return m;
}

}  // namespace lg::adapters::generic
