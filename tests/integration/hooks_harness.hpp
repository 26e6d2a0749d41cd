// Shared by the webhook, partner API and quarantine integration tests: an in-process server
// whose config has one source per webhook channel (plain test secrets), the signing helpers
// each provider uses, and readers for the tenant's inbound and quarantine streams. The
// definitions live in hooks_harness.cpp (built once, in lg_integration_support).
#pragma once

#include "core/digest.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "adapters/telephony/twilio_signature.hpp"
#include "store/keys.hpp"
#include "store/redis_client.hpp"
#include "support/fixtures.hpp"
#include "support/http_test_client.hpp"
#include "support/test_server.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace lg::test::hooks {

inline const std::string zalo_app_id = "4102938475610293847";
inline const std::string zalo_secret = "zalo-oa-secret-for-tests";
inline const std::string fb_app_secret = "facebook-app-secret-for-tests";
inline const std::string fb_verify_token = "verify-token-for-tests";
inline const std::string stringee_secret = "stringee-signing-secret-for-tests";
inline const std::string twilio_token = "twilio-auth-token-for-tests";
inline const std::string twilio_base = "https://leads.example.edu.vn";
inline const std::string mailgun_key = "mailgun-signing-key-for-tests";
inline const std::string partner_key = "partner-api-key-for-tests-0001";
inline const std::string viewer_token = "viewer-token-for-tests-0123456789";

std::string fixture(const std::string& name);

nlohmann::json config_json(const std::string& redis_url);

// X-ZEvent-Signature: mac=<hex sha256(app_id + body + timestamp + secret)>, with the app_id and
// timestamp read from the body as Zalo does.
std::string zalo_signature(const std::string& body, const std::string& secret = zalo_secret);

std::string facebook_signature(const std::string& body, const std::string& secret = fb_app_secret);

std::string stringee_signature(const std::string& body, const std::string& secret = stringee_secret);

// Base64 HMAC-SHA1 over the public URL + the sorted form parameters.
std::string twilio_signature(const std::string& target, const std::string& form_body,
                             const std::string& token = twilio_token);

// The Mailgun fixture with a current timestamp and its signature field appended.
std::string signed_mailgun_form(const std::string& key = mailgun_key);

struct stream_entry {
  std::string id;
  std::map<std::string, std::string> fields;
};

// XRANGE of a stream, oldest first.
std::vector<stream_entry> read_stream(const std::string& url, const std::string& key);

// The lead events on lg:{t}:in, oldest first.
std::vector<nlohmann::json> inbound_events(const std::string& url, const std::string& tenant);

std::vector<stream_entry> quarantine_entries(const std::string& url, const std::string& tenant);

// The value of one series in /metrics ("name{labels}"), or -1 when absent.
double metric_value(unsigned short port, const std::string& series);

// A server with the hooks config, ready (its Redis connection up).
class HooksTest : public ::testing::Test {
 public:
  void SetUp() override;
  unsigned short port() const { return server_->port(); }
  const std::string& tenant() const { return server_->cfg().tenant; }
  std::vector<nlohmann::json> events() const;
  std::vector<stream_entry> quarantined() const;

  http_answer post(const std::string& target, const std::string& body, std::map<std::string, std::string> headers);
  http_answer post_zalo(const std::string& body, const std::string& signature);
  http_answer post_facebook(const std::string& body, const std::string& signature);
  http_answer post_signed_zalo(const std::string& body) { return post_zalo(body, zalo_signature(body)); }
  http_answer post_signed_facebook(const std::string& body) { return post_facebook(body, facebook_signature(body)); }
  // ASSERTs that the delivery answered `a` is a 200 and that lg:{t}:in then holds `n` events,
  // left in `ev`; call it as ASSERT_NO_FATAL_FAILURE(expect_events(a, n, ev)).
  void expect_events(const http_answer& a, std::size_t n, std::vector<nlohmann::json>& ev) const;
  // ASSERTs that the delivery answered `a` is a 200 that left no event but `n` quarantine
  // entries, left in `q`; call it as ASSERT_NO_FATAL_FAILURE(expect_quarantined(a, n, q)).
  void expect_quarantined(const http_answer& a, std::size_t n, std::vector<stream_entry>& q) const;
  http_answer admin_get(const std::string& target, const std::string& token = viewer_token);

  std::string url_;
  std::unique_ptr<test_server> server_;
};

// The body with one byte changed (a character in the middle flipped).
std::string altered(std::string body);

}  // namespace lg::test::hooks
