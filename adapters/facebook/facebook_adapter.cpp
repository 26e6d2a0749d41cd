// The Facebook request path: options, the hub.challenge handshake, the X-Hub-Signature-256
// check, and handle() choosing between them by method.
#include "adapters/facebook/facebook.hpp"

#include "core/digest.hpp"
#include "core/percent.hpp"
#include "config/config.hpp"

#include <utility>

namespace lg::adapters::facebook {
namespace {

using core::errc;
using core::make_error;

constexpr std::size_t max_query_value = 512;

// The first value of `name` in a raw query string, decoded; nullopt when absent or broken.
std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    auto key = core::percent_decode(pair.substr(0, eq), /*plus_is_space=*/true);
    if (!key || *key != name) continue;
    if (eq == std::string_view::npos) return std::string{};
    std::string_view value = pair.substr(eq + 1);
    if (value.size() > max_query_value * 3) return std::nullopt;
    return core::percent_decode(value, /*plus_is_space=*/true);
  }
  return std::nullopt;
}

std::string required_secret(const nlohmann::json& j, const char* key, const std::string& path) {
  if (!j.contains(key)) throw config::config_error(path + "." + key + ": required");
  auto v = config::resolve_secret(j.at(key), path + "." + key);
  if (v.empty()) throw config::config_error(path + "." + key + ": must not be empty");
  return v;
}

}  // namespace

options parse_options(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) throw config::config_error(path + ": must be an object");
  for (const auto& [k, _] : j.items()) {
    if (k != "app_secret" && k != "verify_token" && k != "page_ids" && k != "page_token" &&
        k != "field_map" && k != "graph_base_url" && k != "lead_forms" && k != "poll_interval_s" &&
        k != "poll_lookback_s" && k != "ca_file" && k != "api_timeout_ms") {
      throw config::config_error(path + "." + k + ": unknown option of a facebook source");
    }
  }
  options o;
  o.app_secret = required_secret(j, "app_secret", path);
  o.verify_token = required_secret(j, "verify_token", path);
  if (auto it = j.find("page_ids"); it != j.end()) {
    if (!it->is_array()) throw config::config_error(path + ".page_ids: must be an array of strings");
    for (std::size_t i = 0; i < it->size(); ++i) {
      const auto& v = (*it)[i];
      if (!v.is_string() || v.get<std::string>().empty()) {
        throw config::config_error(path + ".page_ids[" + std::to_string(i) + "]: must be a non-empty string");
      }
      o.page_ids.insert(v.get<std::string>());
    }
  }
  return o;
}

std::expected<direct_reply, core::error> handshake(const options& opt, std::string_view query) {
  auto mode = query_param(query, "hub.mode");
  auto token = query_param(query, "hub.verify_token");
  auto challenge = query_param(query, "hub.challenge");
  if (!mode || *mode != "subscribe") {
    return std::unexpected(make_error(errc::bad_request, "not a subscription request", "hub.mode"));
  }
  if (!token || !core::equal_constant_time(*token, opt.verify_token)) {
    return std::unexpected(make_error(errc::forbidden, "verify token does not match", "hub.verify_token"));
  }
  // Meta sends an integer; anything else is echoed back only if it cannot carry markup.
  if (!challenge || challenge->empty() || challenge->size() > 128) {
    return std::unexpected(make_error(errc::bad_request, "missing or oversized challenge", "hub.challenge"));
  }
  for (char c : *challenge) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return std::unexpected(make_error(errc::bad_request, "challenge has unexpected characters", "hub.challenge"));
  }
  return direct_reply{200, "text/plain", *challenge};
}

std::expected<void, core::error> verify(const options& opt, std::string_view raw_body,
                                        std::optional<std::string_view> header) {
  const std::string field = "X-Hub-Signature-256";
  if (!header) return std::unexpected(make_error(errc::unauthorized, "missing signature header", field));
  std::string_view h = *header;
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
  if (!h.starts_with("sha256=") || h.size() != 7 + 64) {
    return std::unexpected(make_error(errc::unauthorized, "signature header is not sha256=<hex>", field));
  }
  std::string presented(h.substr(7));
  for (char& c : presented) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');  // Meta sends lower case; be liberal
  }
  const std::string expected = core::to_hex(core::hmac_sha256(opt.app_secret, raw_body));
  if (!core::equal_constant_time(expected, presented)) {
    return std::unexpected(make_error(errc::unauthorized, "signature does not match", field));
  }
  return {};
}

adapter::adapter(std::string source_id, options opt)
    : source_id_(std::move(source_id)), opt_(std::move(opt)) {}

std::expected<adapter_output, core::error> adapter::handle(const inbound_request& req) const {
  if (req.method == "GET") {
    auto reply = handshake(opt_, req.query);
    if (!reply) return std::unexpected(reply.error());
    adapter_output out;
    out.reply = std::move(*reply);
    return out;
  }
  if (req.method != "POST") {
    return std::unexpected(make_error(errc::method_not_allowed, "Facebook webhooks are GET or POST"));
  }
  const auto header = req.header("x-hub-signature-256");
  if (auto ok = verify(opt_, req.body, header); !ok) return std::unexpected(ok.error());
  return parse(req.body, parse_context{source_id_, req.received_at, opt_.page_ids});
}

}  // namespace lg::adapters::facebook
