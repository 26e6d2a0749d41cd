// A fake Zalo OA Open API for tests (reference/channels.md §1.4), over tests/support/
// https_server.hpp (HTTPS on 127.0.0.1 port 0, the test certificate):
//   POST /v4/oa/access_token   form refresh_token, app_id, grant_type=refresh_token, header
//                              secret_key; rotates: each refresh token works once, and a
//                              refresh returns a new access token and a new refresh token
//   GET  /v3.0/oa/user/detail  ?data={"user_id":…}, header access_token; profiles set by the test
// Errors come as HTTP 200 with error != 0, as Zalo sends them: -216 for an unknown or expired
// access token, -14014 for a used or unknown refresh token, -201 for an unknown user. A test can
// expire the issued access tokens, queue raw replies to send first, and slow the refresh down.
// The request handling lives in fake_zalo_oa.cpp (built once, in lg_test_support).
#pragma once

#include "provider_apis/zalo_oa.hpp"
#include "support/https_server.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>

namespace lg::test {

std::string url_decode_component(std::string_view s);

// name → decoded value of a query string or form body.
std::map<std::string, std::string> parse_pairs(std::string_view q);

// `epoch_s` in UTC as strftime `format` writes it: the timestamps the fake provider APIs send.
std::string utc_time(std::int64_t epoch_s, const char* format);

class fake_zalo_oa {
 public:
  struct user {
    std::string display_name;
    std::string shared_name;
    std::string shared_phone;
  };

  fake_zalo_oa(std::string app_id, std::string app_secret, std::string first_refresh_token);

  std::string base_url() const { return server_.url(""); }
  std::string oauth_url() const { return server_.url("/v4/oa/access_token"); }

  // The API options of `source` as a gateway configured against this fake has them: its app id
  // and secret, `seed_refresh_token` as the configured first refresh token, the test CA, 5 s a call.
  provider_apis::zalo::api_options client_options(const std::string& source,
                                                  const std::string& seed_refresh_token = "oa-refresh-seed") const;

  void add_user(const std::string& id, user u) {
    std::lock_guard lock(mu_);
    users_[id] = std::move(u);
  }
  // Every access token issued so far stops working (as after 25 h).
  void expire_access_tokens() {
    std::lock_guard lock(mu_);
    access_tokens_.clear();
  }
  // Raw replies sent (in order) to the next profile requests instead of the real answer.
  void queue_profile_reply(scripted_reply r) {
    std::lock_guard lock(mu_);
    profile_replies_.push_back(std::move(r));
  }
  void queue_refresh_reply(scripted_reply r) {
    std::lock_guard lock(mu_);
    refresh_replies_.push_back(std::move(r));
  }
  void set_refresh_delay(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    refresh_delay_ = d;
  }
  int refreshes() const {  // successful rotations
    std::lock_guard lock(mu_);
    return refreshes_;
  }
  int refused_refreshes() const {
    std::lock_guard lock(mu_);
    return refused_refreshes_;
  }
  int profile_requests() const {
    std::lock_guard lock(mu_);
    return profile_requests_;
  }
  // The refresh token that works now (exactly one after the first rotation).
  std::string current_refresh_token() const {
    std::lock_guard lock(mu_);
    return refresh_tokens_.empty() ? std::string() : *refresh_tokens_.begin();
  }

 private:
  static scripted_reply json_reply(const nlohmann::json& j);
  scripted_reply handle(const served_request& r);
  scripted_reply refresh(const served_request& r);
  scripted_reply detail(const served_request& r, std::string_view query);

  mutable std::mutex mu_;
  std::string app_id_, app_secret_;
  std::set<std::string> refresh_tokens_, access_tokens_;
  std::map<std::string, user> users_;
  std::deque<scripted_reply> profile_replies_, refresh_replies_;
  std::chrono::milliseconds refresh_delay_{0};
  int refreshes_ = 0, refused_refreshes_ = 0, profile_requests_ = 0;
  https_server server_;  // last: stopped first, while the state above still exists
};

}  // namespace lg::test
