// A fake Graph API for Lead Ads tests (reference/channels.md §2.2), over tests/support/
// https_server.hpp (HTTPS on 127.0.0.1 port 0, the test certificate):
//   GET /{leadgen_id}?fields=…                   the lead: id, created_time, form_id, field_data
//   GET /{form_id}/leads?fields=…&filtering=[…]  the form's leads with time_created GREATER_THAN
//                                                the filter's value, newest first, `page_size` per
//                                                page, paging.next while more remain
//   GET /{PSID}?fields=first_name,last_name,name a Messenger sender's profile (User Profile API):
//                                                id and the fields asked for that the user has
// An id that is neither a lead nor a user is error 100 ("does not exist"), as Graph answers.
// The Page token must come as "Authorization: Bearer <token>" (else error 190 with HTTP 400, as
// Graph answers an invalid token). Errors are {"error":{"message","type","code"}}. A test can
// queue raw replies sent first, and reads every request target served. The request handling
// lives in fake_graph.cpp (built once, in lg_test_support).
#pragma once

#include "support/fake_zalo_oa.hpp"  // parse_pairs, url_decode_component
#include "support/https_server.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace lg::test {

class fake_graph {
 public:
  struct lead {
    std::string id;
    std::string form_id;
    std::int64_t created = 0;  // unix seconds
    std::vector<std::pair<std::string, std::string>> fields;  // field_data name → value
  };

  explicit fake_graph(std::string page_token, std::size_t page_size = 100);

  std::string base_url() const { return server_.url("/v19.0"); }

  struct user {
    std::string first_name;
    std::string last_name;
    std::string name;
  };

  void add_lead(lead l) {
    std::lock_guard lock(mu_);
    leads_[l.id] = std::move(l);
  }
  void add_user(std::string psid, user u) {
    std::lock_guard lock(mu_);
    users_[std::move(psid)] = std::move(u);
  }
  // Replies sent (in order) to the next requests whose target contains `match`.
  void queue_reply(std::string match, scripted_reply r) {
    std::lock_guard lock(mu_);
    scripted_.emplace_back(std::move(match), std::move(r));
  }
  std::vector<std::string> targets() const {
    std::lock_guard lock(mu_);
    return targets_;
  }
  std::size_t requests() const { return server_.requests(); }

  static std::string graph_time(std::int64_t unix_s) { return utc_time(unix_s, "%Y-%m-%dT%H:%M:%S+0000"); }

 private:
  static scripted_reply json_reply(unsigned status, const nlohmann::json& j);
  static scripted_reply error_reply(unsigned status, int code, const std::string& message);

  nlohmann::json lead_json(const lead& l) const;

  static nlohmann::json user_json(const std::string& psid, const user& u, const std::string& fields);

  scripted_reply handle(const served_request& r);

  scripted_reply list(const std::string& form, std::map<std::string, std::string>& params);

  static std::string encode(const std::string& s);

  mutable std::mutex mu_;
  std::string token_;
  std::size_t page_size_;
  std::map<std::string, lead> leads_;
  std::map<std::string, user> users_;
  std::deque<std::pair<std::string, scripted_reply>> scripted_;
  std::vector<std::string> targets_;
  https_server server_;
};

}  // namespace lg::test
