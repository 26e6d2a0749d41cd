// The webhook integration tests' config, signing helpers, stream readers and fixture of
// hooks_harness.hpp.
#include "hooks_harness.hpp"

#include <sstream>

namespace lg::test::hooks {

std::string fixture(const std::string& name) { return fixture_text("hooks/" + name); }

nlohmann::json config_json(const std::string& redis_url) {
  auto j = server_config_head(fresh_tenant("hooks"), redis_url, 1 << 20, "error");
  j["admin"] = {{"tokens", nlohmann::json::array({token_entry("ops", "viewer", viewer_token)})}};
  j["sources"] = {
      {{"id", "zalo-oa"},
       {"channel", "zalo"},
       {"options", {{"app_id", zalo_app_id}, {"oa_id", "4410293847561029384"}, {"oa_secret_key", zalo_secret}}}},
      {{"id", "fb-page"},
       {"channel", "facebook_messenger"},
       {"options", {{"app_secret", fb_app_secret}, {"verify_token", fb_verify_token}}}},
      {{"id", "hotline-main"}, {"channel", "hotline"}, {"preset", "stringee"},
       {"options", {{"signing_secret", stringee_secret}}}},
      {{"id", "sms-twilio"}, {"channel", "sms"}, {"preset", "twilio"},
       {"options", {{"auth_token", twilio_token}, {"public_base_url", twilio_base}}}},
      {{"id", "mail-in"}, {"channel", "email"}, {"preset", "mailgun"}, {"options", {{"signing_key", mailgun_key}}}},
      {{"id", "partner-crm"}, {"channel", "api"}, {"options", {{"api_key_sha256", {core::sha256_hex(partner_key)}}}}},
      phone_form_source()};
  return j;
}

std::string zalo_signature(const std::string& body, const std::string& secret) {
  auto j = nlohmann::json::parse(body, nullptr, false);
  std::string app = zalo_app_id;
  std::string ts;
  if (j.is_object()) {
    if (j.contains("app_id")) app = j["app_id"].get<std::string>();
    if (j.contains("timestamp")) ts = j["timestamp"].get<std::string>();
  }
  return "mac=" + core::sha256_hex(app + body + ts + secret);
}

std::string facebook_signature(const std::string& body, const std::string& secret) {
  return "sha256=" + core::to_hex(core::hmac_sha256(secret, body));
}

std::string stringee_signature(const std::string& body, const std::string& secret) {
  return core::base64_encode(core::hmac_sha1(secret, body));
}

std::string twilio_signature(const std::string& target, const std::string& form_body,
                             const std::string& token) {
  adapters::inbound_request in;
  in.body = form_body;
  in.content_type = "application/x-www-form-urlencoded";
  auto fields = adapters::hook::form_fields(in, 100, 4096);
  EXPECT_TRUE(fields.has_value());
  return core::base64_encode(
      adapters::twilio::compute_signature(token, twilio_base + target, fields ? *fields : adapters::hook::field_list{}));
}

std::string signed_mailgun_form(const std::string& key) {
  std::string form = fixture("mailgun.form");
  const std::string ts = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
  const auto at = form.find("{TIMESTAMP}");
  EXPECT_NE(at, std::string::npos);
  form.replace(at, 11, ts);
  const auto token_at = form.find("token=") + 6;
  const std::string token = form.substr(token_at, form.find('&', token_at) - token_at);
  return form + "&signature=" + core::to_hex(core::hmac_sha256(key, ts + token));
}

std::vector<stream_entry> read_stream(const std::string& url, const std::string& key) {
  (void)url;  // the one test Redis (test_redis_options)
  blocking_redis r;
  std::vector<stream_entry> out;
  for (const auto& entry : r.exec({"XRANGE", key, "-", "+"}).elements) {
    stream_entry e;
    e.id = entry.elements.at(0).str;
    const auto& fields = entry.elements.at(1).elements;
    for (std::size_t i = 0; i + 1 < fields.size(); i += 2) e.fields[fields[i].str] = fields[i + 1].str;
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<nlohmann::json> inbound_events(const std::string& url, const std::string& tenant) {
  std::vector<nlohmann::json> out;
  for (const auto& e : read_stream(url, store::keys::inbound(tenant))) {
    auto it = e.fields.find("lead");
    if (it != e.fields.end()) out.push_back(nlohmann::json::parse(it->second));
  }
  return out;
}

std::vector<stream_entry> quarantine_entries(const std::string& url, const std::string& tenant) {
  return read_stream(url, store::keys::quarantine(tenant));
}

double metric_value(unsigned short port, const std::string& series) {
  auto a = http_request(port, http::verb::get, "/metrics");
  std::istringstream lines(a.body);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

std::string altered(std::string body) {
  body[body.size() / 2] = static_cast<char>(body[body.size() / 2] ^ 0x01);
  return body;
}

void HooksTest::SetUp() {
  LG_REQUIRE_REDIS_URL(url);
  url_ = url;
  server_ = std::make_unique<test_server>(config::parse(config_json(url_)));
  ASSERT_TRUE(server_->wait_ready());
}

std::vector<nlohmann::json> HooksTest::events() const { return inbound_events(url_, tenant()); }

std::vector<stream_entry> HooksTest::quarantined() const { return quarantine_entries(url_, tenant()); }

http_answer HooksTest::post(const std::string& target, const std::string& body, std::map<std::string, std::string> headers) {
  return http_request(port(), http::verb::post, target, body, headers);
}

http_answer HooksTest::post_zalo(const std::string& body, const std::string& signature) {
  return post("/v1/hooks/zalo/zalo-oa", body,
              {{"Content-Type", "application/json"}, {"X-ZEvent-Signature", signature}});
}

http_answer HooksTest::post_facebook(const std::string& body, const std::string& signature) {
  return post("/v1/hooks/facebook/fb-page", body,
              {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", signature}});
}

void HooksTest::expect_events(const http_answer& a, std::size_t n, std::vector<nlohmann::json>& ev) const {
  ASSERT_EQ(a.status, 200u) << a.body;
  ev = events();
  ASSERT_EQ(ev.size(), n);
}

void HooksTest::expect_quarantined(const http_answer& a, std::size_t n, std::vector<stream_entry>& q) const {
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_TRUE(events().empty());
  q = quarantined();
  ASSERT_EQ(q.size(), n);
}

http_answer HooksTest::admin_get(const std::string& target, const std::string& token) {
  std::map<std::string, std::string> h;
  if (!token.empty()) h["Authorization"] = "Bearer " + token;
  return http_request(port(), http::verb::get, target, {}, h);
}

}  // namespace lg::test::hooks
