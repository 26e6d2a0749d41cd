// A local SugarCRM/DotB for the sugarcrm connector's tests, speaking the documented subset of
// REST v11 (../shared/reference/sync-targets.md §1) on tests/support/https_server.hpp (plain
// HTTP, 127.0.0.1, port 0, its own thread):
//   POST /rest/v11/oauth2/token   grant_type password (client_id, username, password, platform)
//                                 or refresh_token; {access_token, expires_in, refresh_token}
//   GET  /rest/v11/Leads          filter[0][<field>][$gte|$equals]=v or filter[0][<field>]=v,
//                                 order_by=date_modified:ASC|DESC, max_num, offset →
//                                 {next_offset (-1 at the end), records}
//                                 deleted=true → soft-deleted records too, with deleted: true
//   GET|PUT /rest/v11/Leads/{id}, POST /rest/v11/Leads
// Every call needs OAuth-Token (401 otherwise). Each write sets date_modified (second
// resolution, from a clock the test may freeze so that writes tie) and modified_user_id (the
// logged-in user). A delete is soft, as Sugar's mark_deleted is: deleted = true, and
// date_modified and modified_user_id set as by a write; the record then answers 404 and is
// left out of lists unless they ask deleted=true. Tests edit and delete records "as a CRM
// user", expire tokens, and make the next calls fail with a given status. The request handling
// lives in fake_sugarcrm.cpp (built once, in lg_test_support).
#pragma once

#include "support/fake_zalo_oa.hpp"  // parse_pairs, url_decode_component
#include "support/https_server.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <deque>
#include <map>
#include <set>
#include <mutex>
#include <string>
#include <vector>

namespace lg::test {

class fake_sugarcrm {
 public:
  static constexpr const char* integration_user_id = "u-integration";
  static constexpr const char* human_user_id = "u-human";

  fake_sugarcrm(std::string username, std::string password, std::string client_id = "dotb");

  std::string base_url() const { return server_.url(""); }

  // Freezes date_modified at `epoch_s` (writes then tie); 0 returns to the real clock.
  void freeze_clock(std::int64_t epoch_s) {
    std::lock_guard lock(mu_);
    frozen_ = epoch_s;
  }
  // Every access token stops working (the next call is answered 401).
  void expire_tokens() {
    std::lock_guard lock(mu_);
    tokens_.clear();
  }
  // The next `n` calls to the Leads API (not the token endpoint) whose target contains
  // `needle` ("" for any) are answered `status` + `body`.
  void fail_next(std::size_t n, unsigned status, std::string body, std::string needle = {}) {
    std::lock_guard lock(mu_);
    for (std::size_t i = 0; i < n; ++i) failures_.push_back(failure{status, body, needle});
  }
  // An edit made in the CRM by a person: sets the fields, date_modified and modified_user_id.
  bool edit_as_user(const std::string& id, const nlohmann::json& fields);
  // A delete made in the CRM by a person (soft, see above); false when there is no live record.
  bool delete_as_user(const std::string& id);
  // A Lead created in the CRM by a person (leadgate never saw it).
  std::string create_as_user(nlohmann::json fields);

  std::vector<nlohmann::json> records() const;
  std::optional<nlohmann::json> record(const std::string& id) const;
  std::size_t password_logins() const { std::lock_guard lock(mu_); return password_logins_; }
  std::size_t refresh_logins() const { std::lock_guard lock(mu_); return refresh_logins_; }
  std::size_t creates() const { std::lock_guard lock(mu_); return creates_; }
  std::size_t updates() const { std::lock_guard lock(mu_); return updates_; }
  std::size_t unauthorized() const { std::lock_guard lock(mu_); return unauthorized_; }
  std::size_t list_calls() const { std::lock_guard lock(mu_); return list_calls_; }
  // List calls that asked for changes since a time (the poller's pull: date_modified $gte).
  std::size_t pulls() const { std::lock_guard lock(mu_); return pulls_; }
  // The JSON bodies of the PUTs, in order (what leadgate wrote on updates).
  std::vector<nlohmann::json> put_bodies() const { std::lock_guard lock(mu_); return put_bodies_; }

  static std::string format_time(std::int64_t epoch_s) { return utc_time(epoch_s, "%Y-%m-%dT%H:%M:%S+00:00"); }

 private:
  static scripted_reply json_reply(unsigned status, const nlohmann::json& j);
  static scripted_reply error_reply(unsigned status, const std::string& code, const std::string& message);

  std::int64_t now_s() const;
  void touch(nlohmann::json& r, const std::string& user);
  std::string create(nlohmann::json fields, const std::string& user);

  // Parses the query's filter[0][field][op] / filter[0][field] pairs.
  static bool matches(const nlohmann::json& r, const std::map<std::string, std::string>& q);

  scripted_reply handle(const served_request& req);

  scripted_reply token(const served_request& req);

  scripted_reply list(const std::map<std::string, std::string>& q);

  mutable std::mutex mu_;
  std::string username_, password_, client_id_;
  std::int64_t frozen_ = 0;
  std::size_t seq_ = 0, token_seq_ = 0;
  std::map<std::string, std::string> tokens_;  // access token → user id
  std::set<std::string> refresh_tokens_;
  std::map<std::string, nlohmann::json> records_;
  struct failure {
    unsigned status;
    std::string body, needle;
  };
  std::deque<failure> failures_;
  std::vector<nlohmann::json> put_bodies_;
  std::size_t password_logins_ = 0, refresh_logins_ = 0, creates_ = 0, updates_ = 0, unauthorized_ = 0,
              list_calls_ = 0, pulls_ = 0;
  https_server server_;  // last: stopped first, before the state its handler uses
};

}  // namespace lg::test
