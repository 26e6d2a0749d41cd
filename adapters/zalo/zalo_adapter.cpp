// The Zalo request path: options, the X-ZEvent-Signature check, and handle() gluing them to the
// parser. The signature covers app_id + raw body + timestamp + OA secret key, where app_id and
// timestamp are fields OF the body; so the body is read for those two fields before the check,
// and nothing else of it is interpreted until the check has passed.
#include "adapters/zalo/zalo.hpp"

#include "core/digest.hpp"
#include "adapters/zalo/zalo_json.hpp"
#include "config/config.hpp"

#include <chrono>
#include <cstdlib>
#include <utility>

namespace lg::adapters::zalo {
namespace {

using core::errc;
using core::make_error;
using detail::member;
using detail::text_of;

bool is_hex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string str_option(const nlohmann::json& j, const char* key, const std::string& path,
                       bool required) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) throw config::config_error(path + "." + key + ": required");
    return {};
  }
  auto v = text_of(&*it);
  if (!v || v->empty()) throw config::config_error(path + "." + key + ": must be a non-empty string");
  return *v;
}

}  // namespace

options parse_options(const nlohmann::json& j, const std::string& path) {
  if (!j.is_object()) throw config::config_error(path + ": must be an object");
  for (const auto& [k, _] : j.items()) {
    if (k != "app_id" && k != "oa_id" && k != "oa_secret_key" && k != "replay_window_s" &&
        k != "app_secret" && k != "refresh_token" && k != "oa_base_url" && k != "oauth_url" && k != "ca_file" &&
        k != "api_timeout_ms") {
      throw config::config_error(path + "." + k + ": unknown option of a zalo source");
    }
  }
  options o;
  o.app_id = str_option(j, "app_id", path, true);
  o.oa_id = str_option(j, "oa_id", path, false);
  if (!j.contains("oa_secret_key")) throw config::config_error(path + ".oa_secret_key: required");
  o.oa_secret_key = config::resolve_secret(j.at("oa_secret_key"), path + ".oa_secret_key");
  if (o.oa_secret_key.empty()) throw config::config_error(path + ".oa_secret_key: must not be empty");
  if (auto it = j.find("replay_window_s"); it != j.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > 7 * 24 * 3600) {
      throw config::config_error(path + ".replay_window_s: must be 0..604800 seconds");
    }
    o.replay_window = std::chrono::seconds(it->get<std::int64_t>());
  }
  return o;
}

std::expected<void, core::error> verify(const options& opt, std::string_view raw_body,
                                        std::optional<std::string_view> header,
                                        std::int64_t now_ms) {
  constexpr std::string_view field = "X-ZEvent-Signature";
  if (!header) return std::unexpected(make_error(errc::unauthorized, "missing signature header", std::string(field)));
  std::string_view h = *header;
  while (!h.empty() && (h.front() == ' ' || h.front() == '\t')) h.remove_prefix(1);
  while (!h.empty() && (h.back() == ' ' || h.back() == '\t')) h.remove_suffix(1);
  if (!h.starts_with("mac=") || !is_hex64(h.substr(4))) {
    return std::unexpected(make_error(errc::unauthorized, "signature header is not mac=<hex sha256>", std::string(field)));
  }
  const std::string presented = lower(h.substr(4));

  // The signed id and timestamp come from the body. A body that is not a JSON object still gets
  // a check (with an empty timestamp) so that well-signed garbage can be told from forgery.
  std::string signed_id = opt.app_id;
  std::string timestamp;
  auto j = nlohmann::json::parse(raw_body.begin(), raw_body.end(), nullptr, false);
  if (j.is_object()) {
    auto id = text_of(member(&j, "app_id"));
    if (!id) id = text_of(member(&j, "oa_id"));
    if (id) {
      if (*id != opt.app_id && (opt.oa_id.empty() || *id != opt.oa_id)) {
        return std::unexpected(make_error(errc::unauthorized, "delivery is for another Zalo app", "app_id"));
      }
      signed_id = *id;
    }
    timestamp = text_of(member(&j, "timestamp")).value_or("");
  }

  std::string material;
  material.reserve(signed_id.size() + raw_body.size() + timestamp.size() + opt.oa_secret_key.size());
  material.append(signed_id).append(raw_body).append(timestamp).append(opt.oa_secret_key);
  if (!core::equal_constant_time(core::sha256_hex(material), presented)) {
    return std::unexpected(make_error(errc::unauthorized, "signature does not match", std::string(field)));
  }

  if (opt.replay_window.count() > 0) {
    char* end = nullptr;
    const long long ts = timestamp.empty() ? -1 : std::strtoll(timestamp.c_str(), &end, 10);
    const long long window_ms = opt.replay_window.count() * 1000LL;
    if (ts < 0 || end == nullptr || *end != '\0' || ts < now_ms - window_ms || ts > now_ms + window_ms) {
      return std::unexpected(make_error(errc::unauthorized, "timestamp outside the replay window", "timestamp"));
    }
  }
  return {};
}

adapter::adapter(std::string source_id, options opt, clock_fn now)
    : source_id_(std::move(source_id)), opt_(std::move(opt)), now_(std::move(now)) {
  if (!now_) {
    now_ = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

std::expected<adapter_output, core::error> adapter::handle(const inbound_request& req) const {
  if (req.method != "POST") {
    return std::unexpected(make_error(errc::method_not_allowed, "Zalo webhooks are POST"));
  }
  const auto header = req.header("x-zevent-signature");
  if (auto ok = verify(opt_, req.body, header, now_()); !ok) return std::unexpected(ok.error());
  return parse(req.body, parse_context{source_id_, req.received_at, opt_.oa_id});
}

}  // namespace lg::adapters::zalo
