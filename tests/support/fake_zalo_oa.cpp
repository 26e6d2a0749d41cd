// The request handling of the fake Zalo OA Open API of fake_zalo_oa.hpp, and the URL and time
// helpers the fake provider APIs share.
#include "support/fake_zalo_oa.hpp"

#include <ctime>

namespace lg::test {

std::string url_decode_component(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parse_pairs(std::string_view q) {
  std::map<std::string, std::string> out;
  while (!q.empty()) {
    auto amp = q.find('&');
    auto pair = q.substr(0, amp);
    auto eq = pair.find('=');
    out[url_decode_component(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : url_decode_component(pair.substr(eq + 1));
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
  }
  return out;
}

std::string utc_time(std::int64_t epoch_s, const char* format) {
  const std::time_t t = static_cast<std::time_t>(epoch_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

fake_zalo_oa::fake_zalo_oa(std::string app_id, std::string app_secret, std::string first_refresh_token)
    : app_id_(std::move(app_id)), app_secret_(std::move(app_secret)),
      server_([this](const served_request& r) { return handle(r); }) {
  refresh_tokens_.insert(std::move(first_refresh_token));
}

provider_apis::zalo::api_options fake_zalo_oa::client_options(const std::string& source,
                                                              const std::string& seed_refresh_token) const {
  provider_apis::zalo::api_options a;
  a.source = source;
  a.app_id = app_id_;
  a.app_secret = app_secret_;
  a.seed_refresh_token = seed_refresh_token;
  a.oa_base_url = base_url();
  a.oauth_url = oauth_url();
  a.ca_file = test_ca_file();
  a.timeout = std::chrono::milliseconds(5000);
  return a;
}

scripted_reply fake_zalo_oa::json_reply(const nlohmann::json& j) {
  return scripted_reply{200, {{"Content-Type", "application/json"}}, j.dump()};
}

scripted_reply fake_zalo_oa::handle(const served_request& r) {
  std::lock_guard lock(mu_);
  const auto q = r.target.find('?');
  const std::string path = r.target.substr(0, q);
  if (path == "/v4/oa/access_token" && r.method == boost::beast::http::verb::post) return refresh(r);
  if (path == "/v3.0/oa/user/detail" && r.method == boost::beast::http::verb::get)
    return detail(r, q == std::string::npos ? "" : r.target.substr(q + 1));
  return scripted_reply{404, {}, "not found"};
}

scripted_reply fake_zalo_oa::refresh(const served_request& r) {
  if (!refresh_replies_.empty()) {
    auto out = refresh_replies_.front();
    refresh_replies_.pop_front();
    return out;
  }
  auto form = parse_pairs(r.body);
  if (std::string(r.headers["secret_key"]) != app_secret_ || form["app_id"] != app_id_ ||
      form["grant_type"] != "refresh_token") {
    ++refused_refreshes_;
    return json_reply({{"error", -14002}, {"error_name", "Invalid app or secret"}});
  }
  auto it = refresh_tokens_.find(form["refresh_token"]);
  if (it == refresh_tokens_.end()) {
    ++refused_refreshes_;
    return json_reply({{"error", -14014}, {"error_name", "Invalid refresh token"}});
  }
  refresh_tokens_.erase(it);  // single use
  ++refreshes_;
  const std::string access = "oa-access-" + std::to_string(refreshes_);
  const std::string next = "oa-refresh-" + std::to_string(refreshes_);
  access_tokens_.insert(access);
  refresh_tokens_.insert(next);
  auto out = json_reply({{"access_token", access}, {"refresh_token", next}, {"expires_in", "90000"}});
  out.delay = refresh_delay_;
  return out;
}

scripted_reply fake_zalo_oa::detail(const served_request& r, std::string_view query) {
  ++profile_requests_;
  if (!profile_replies_.empty()) {
    auto out = profile_replies_.front();
    profile_replies_.pop_front();
    return out;
  }
  if (!access_tokens_.contains(std::string(r.headers["access_token"])))
    return json_reply({{"error", -216}, {"message", "Access token is invalid"}});
  auto data = nlohmann::json::parse(parse_pairs(query)["data"], nullptr, false);
  std::string uid = data.is_object() ? data.value("user_id", "") : "";
  auto u = users_.find(uid);
  if (u == users_.end()) return json_reply({{"error", -201}, {"message", "user_id is invalid"}});
  nlohmann::json d{{"user_id", uid}, {"display_name", u->second.display_name}, {"user_is_follower", true}};
  if (!u->second.shared_phone.empty())
    d["shared_info"] = {{"name", u->second.shared_name}, {"phone", u->second.shared_phone}};
  return json_reply({{"error", 0}, {"message", "Success"}, {"data", d}});
}

}  // namespace lg::test
