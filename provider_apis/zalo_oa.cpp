// Zalo OA API requests and replies (see zalo_oa.hpp). Pure: no sockets here.
#include "provider_apis/zalo_oa.hpp"
#include "core/percent.hpp"

#include "provider_apis/options.hpp"
#include "config/config.hpp"
#include "http/url.hpp"

namespace lg::provider_apis::zalo {
namespace {

using nlohmann::json;

using detail::id_text;
using detail::text_option;

std::string secret_option(const json& j, const char* key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end()) return {};
  return config::resolve_secret(*it, path + "." + key);
}

std::string str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Zalo's error field: an integer, sometimes a decimal string; 0 or absent is success.
long long error_code(const json& j) {
  auto it = j.find("error");
  if (it == j.end()) return 0;
  if (it->is_number_integer()) return it->get<long long>();
  if (it->is_string()) {
    try {
      return std::stoll(it->get<std::string>());
    } catch (const std::exception&) {
      return -1;
    }
  }
  return -1;
}

std::unexpected<api_error> fail(failure k, long long code, std::string message) {
  return std::unexpected(api_error{k, code, std::move(message)});
}

// HTTP-level failures common to both calls; nullopt when the reply is a 2xx to read.
std::optional<api_error> http_failure(unsigned status) {
  if (status >= 200 && status < 300) return std::nullopt;
  if (status >= 500 || status == 429 || status == 408)
    return api_error{failure::transient, status, "HTTP " + std::to_string(status)};
  if (status == 401) return api_error{failure::auth, status, "HTTP 401"};
  return api_error{failure::permanent, status, "HTTP " + std::to_string(status)};
}

}  // namespace

std::optional<api_options> parse_api_options(const json& options, const std::string& source,
                                             const std::string& path) {
  if (!options.is_object()) return std::nullopt;
  api_options o;
  o.source = source;
  o.app_secret = secret_option(options, "app_secret", path);
  o.seed_refresh_token = secret_option(options, "refresh_token", path);
  if (o.app_secret.empty() || o.seed_refresh_token.empty()) return std::nullopt;
  if (auto it = options.find("app_id"); it != options.end()) o.app_id = id_text(&*it);
  if (o.app_id.empty()) throw config::config_error(path + ".app_id: required for the OA API");
  o.oa_base_url = text_option(options, "oa_base_url", path, o.oa_base_url);
  while (o.oa_base_url.ends_with('/')) o.oa_base_url.pop_back();
  o.oauth_url = text_option(options, "oauth_url", path, o.oauth_url);
  o.ca_file = text_option(options, "ca_file", path, "");
  o.timeout = detail::timeout_option(options, path, o.timeout);
  return o;
}

std::string refresh_form(const api_options& opt, std::string_view refresh_token) {
  return "refresh_token=" + core::percent_encode(refresh_token) + "&app_id=" + core::percent_encode(opt.app_id) +
         "&grant_type=refresh_token";
}

std::expected<token_grant, api_error> parse_refresh_reply(unsigned status, std::string_view body) {
  if (auto f = http_failure(status)) return std::unexpected(*f);
  auto j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(failure::transient, 0, "token reply is not a JSON object");
  if (long long code = error_code(j); code != 0) {
    std::string why = str(j, "error_name");
    if (why.empty()) why = str(j, "message");
    return fail(failure::auth, code, "token refresh refused: error " + std::to_string(code) +
                                         (why.empty() ? "" : " (" + why.substr(0, 200) + ")"));
  }
  token_grant g;
  g.access_token = str(j, "access_token");
  g.refresh_token = str(j, "refresh_token");
  if (g.access_token.empty() || g.refresh_token.empty())
    return fail(failure::auth, 0, "token reply without access_token and refresh_token");
  // expires_in comes as a string ("90000") or a number; absent: assume an hour.
  g.expires_in_s = 3600;
  if (auto it = j.find("expires_in"); it != j.end()) {
    try {
      g.expires_in_s = it->is_string() ? std::stoll(it->get<std::string>()) : it->get<long long>();
    } catch (const std::exception&) {
    }
  }
  if (g.expires_in_s <= 0) g.expires_in_s = 60;
  return g;
}

std::string profile_url(const api_options& opt, std::string_view user_id) {
  json data{{"user_id", std::string(user_id)}};
  return opt.oa_base_url + "/v3.0/oa/user/detail?data=" + core::percent_encode(data.dump());
}

std::expected<profile, api_error> parse_profile_reply(unsigned status, std::string_view body) {
  if (auto f = http_failure(status)) return std::unexpected(*f);
  auto j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(failure::transient, 0, "profile reply is not a JSON object");
  if (long long code = error_code(j); code != 0) {
    const std::string msg = "OA API error " + std::to_string(code) + " (" + str(j, "message").substr(0, 200) + ")";
    if (code == -216 || code == -220 || code == -124) return fail(failure::auth, code, msg);
    if (code == -32) return fail(failure::transient, code, msg);
    return fail(failure::permanent, code, msg);
  }
  auto data = j.find("data");
  if (data == j.end() || !data->is_object()) return fail(failure::permanent, 0, "profile reply without data");
  profile p;
  p.display_name = str(*data, "display_name");
  if (auto shared = data->find("shared_info"); shared != data->end() && shared->is_object()) {
    p.shared_name = str(*shared, "name");
    if (auto phone = shared->find("phone"); phone != shared->end()) p.shared_phone = id_text(&*phone);
    p.shared_address = str(*shared, "address");
    p.shared_city = str(*shared, "city");
    p.shared_district = str(*shared, "district");
  }
  return p;
}

}  // namespace lg::provider_apis::zalo
