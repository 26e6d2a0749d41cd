// config/config.cpp, json_reader.cpp, source.cpp: defaults, and every validation message.
#include "config/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace lg::config {
namespace {

using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

json minimal_source() { return json{{"id", "website"}, {"channel", "web_form"}}; }

TEST(ConfigParse, EmptyObjectGivesDefaults) {
  const auto c = parse(json::object());
  EXPECT_EQ(c.tenant, "default");
  EXPECT_EQ(c.time_zone, "Asia/Ho_Chi_Minh");
  EXPECT_EQ(c.server.listen, "127.0.0.1");
  EXPECT_EQ(c.server.port, 8080);
  EXPECT_EQ(c.server.threads, 0u);
  EXPECT_EQ(c.server.body_limit, 1u << 20);
  EXPECT_EQ(c.server.read_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(c.redis.url, "redis://127.0.0.1:6379");
  EXPECT_EQ(c.logging.level, "info");
  EXPECT_TRUE(c.sources.empty());
}

TEST(ConfigParse, ReadsEveryServerAndRedisValue) {
  const auto c = parse(json::parse(R"({
    "tenant": "abc-1", "time_zone": "UTC",
    "server": {"listen": "::1", "port": 0, "threads": 3, "body_limit": 2048, "header_limit": 4096,
               "read_timeout_ms": 1, "write_timeout_ms": 2, "idle_timeout_ms": 3, "shutdown_grace_ms": 4,
               "max_connections": 5, "trusted_proxies": ["10.0.0.0/8", "fe80::1"],
               "public_base_url": "https://leads.example.vn"},
    "redis": {"url": "unix:///run/redis.sock", "connect_timeout_ms": 7, "command_timeout_ms": 8,
              "max_inbound_length": 9, "min_replicas_ack": 1, "replica_ack_timeout_ms": 250},
    "logging": {"level": "debug", "format": "text"}})"));
  EXPECT_EQ(c.tenant, "abc-1");
  EXPECT_EQ(c.time_zone, "UTC");
  EXPECT_EQ(c.server.listen, "::1");
  EXPECT_EQ(c.server.port, 0);
  EXPECT_EQ(c.server.threads, 3u);
  EXPECT_EQ(c.server.body_limit, 2048u);
  EXPECT_EQ(c.server.header_limit, 4096u);
  EXPECT_EQ(c.server.read_timeout.count(), 1);
  EXPECT_EQ(c.server.write_timeout.count(), 2);
  EXPECT_EQ(c.server.idle_timeout.count(), 3);
  EXPECT_EQ(c.server.shutdown_grace.count(), 4);
  EXPECT_EQ(c.server.max_connections, 5u);
  EXPECT_EQ(c.server.trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "fe80::1"}));
  EXPECT_EQ(c.server.public_base_url, "https://leads.example.vn");
  EXPECT_EQ(c.redis.url, "unix:///run/redis.sock");
  EXPECT_EQ(c.redis.connect_timeout.count(), 7);
  EXPECT_EQ(c.redis.command_timeout.count(), 8);
  EXPECT_EQ(c.redis.max_inbound_length, 9u);
  EXPECT_EQ(c.redis.min_replicas_ack, 1u);
  EXPECT_EQ(c.redis.replica_ack_timeout.count(), 250);
  EXPECT_EQ(c.logging.level, "debug");
  EXPECT_EQ(c.logging.format, "text");
}

TEST(ConfigParse, SpoolIsOffUnlessADirectoryIsGiven) {
  const auto off = parse(json::parse("{}"));
  EXPECT_TRUE(off.spool.dir.empty());
  const auto on = parse(json::parse(R"({"spool": {"dir": "var/spool", "max_bytes": 10485760, "max_age_s": 3600,
                                                  "segment_bytes": 1048576}})"));
  EXPECT_EQ(on.spool.dir, "var/spool");
  EXPECT_EQ(on.spool.max_bytes, 10485760u);
  EXPECT_EQ(on.spool.max_age, std::chrono::hours(1));
  EXPECT_EQ(on.spool.segment_bytes, 1048576u);
}

TEST(ConfigParse, SourceDefaultsAndValues) {
  auto j = json::object();
  j["sources"] = json::array({minimal_source(), json::parse(R"({
      "id": "ladi_1", "channel": "landing_page", "preset": "ladipage", "enabled": false,
      "field_map": {"full_name": ["ho_ten", "Name"], "interest.program": ["khoa_hoc"]},
      "required": ["full_name", "phone|email"], "cors_origins": ["*", "https://a.example.vn:8443"],
      "honeypot": "website_url", "thank_you_url": "https://a.example.vn/cam-on",
      "token": "0123456789abcdef", "dedupe_window_ms": 1000, "max_field_length": 10, "max_fields": 20,
      "options": {"x": 1}})")});
  const auto c = parse(j);
  ASSERT_EQ(c.sources.size(), 2u);
  const auto& d = c.sources[0];
  EXPECT_TRUE(d.enabled);
  EXPECT_TRUE(d.field_map.empty());
  EXPECT_TRUE(d.token.empty());
  EXPECT_EQ(d.dedupe_window, std::chrono::minutes(10));
  EXPECT_EQ(d.max_fields, 200u);
  const auto* s = c.find_source("ladi_1");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->channel, "landing_page");
  EXPECT_EQ(s->preset, "ladipage");
  EXPECT_FALSE(s->enabled);
  EXPECT_EQ(s->field_map.at("full_name"), (std::vector<std::string>{"ho_ten", "Name"}));
  EXPECT_EQ(s->required, (std::vector<std::string>{"full_name", "phone|email"}));
  EXPECT_EQ(s->cors_origins.size(), 2u);
  EXPECT_EQ(s->honeypot, "website_url");
  EXPECT_EQ(s->token, "0123456789abcdef");
  EXPECT_EQ(s->dedupe_window.count(), 1000);
  EXPECT_EQ(s->max_field_length, 10u);
  EXPECT_EQ(s->max_fields, 20u);
  EXPECT_EQ(s->options.at("x"), 1);
  EXPECT_EQ(c.find_source("nope"), nullptr);
}

TEST(ConfigParse, UnderscoreKeysAreComments) {
  EXPECT_TRUE(check(json::parse(R"({"_comment": "x", "server": {"_why": 1}})")).empty());
}

// One bad value per row; the whole message list must contain exactly this line.
struct bad_case {
  const char* json_text;
  const char* expected;
};

class ConfigCheck : public ::testing::TestWithParam<bad_case> {};

TEST_P(ConfigCheck, ReportsPathAndReason) {
  const auto problems = check(json::parse(GetParam().json_text));
  EXPECT_THAT(problems, Contains(std::string(GetParam().expected))) << GetParam().json_text;
  // parse() throws with the same line.
  try {
    parse(json::parse(GetParam().json_text));
    ADD_FAILURE() << "parse accepted " << GetParam().json_text;
  } catch (const config_error& e) {
    EXPECT_THAT(e.what(), HasSubstr(GetParam().expected));
  }
}

#define SRC(extra) R"({"sources":[{"id":"website","channel":"web_form",)" extra "}]}"

INSTANTIATE_TEST_SUITE_P(
    Messages, ConfigCheck,
    ::testing::Values(
        bad_case{"[]", "(root): must be an object"},
        bad_case{R"({"frobnicate": 1})", "frobnicate: unknown key"},
        bad_case{R"({"server": {"read_timeout": 5}})",
                 "server.read_timeout: unknown key (durations are in milliseconds: read_timeout_ms)"},
        bad_case{R"({"tenant": "Big Tenant"})", "tenant: must match [a-z0-9][a-z0-9_-]{0,63}"},
        bad_case{R"({"tenant": 5})", "tenant: must be a string"},
        bad_case{R"({"time_zone": "Asia Saigon"})", "time_zone: not a time zone name (e.g. Asia/Ho_Chi_Minh)"},
        bad_case{R"({"server": 1})", "server: must be an object"},
        bad_case{R"({"server": {"port": 65536}})", "server.port: must be an integer from 0 to 65535"},
        bad_case{R"({"server": {"port": -1}})", "server.port: must be an integer from 0 to 65535"},
        bad_case{R"({"server": {"port": "80"}})", "server.port: must be an integer from 0 to 65535"},
        bad_case{R"({"server": {"port": 80.5}})", "server.port: must be an integer from 0 to 65535"},
        bad_case{R"({"server": {"threads": -2}})", "server.threads: must be an integer from 0 to 1024"},
        bad_case{R"({"server": {"body_limit": 0}})", "server.body_limit: must be an integer from 1 to 67108864"},
        bad_case{R"({"server": {"body_limit": 18446744073709551615}})",
                 "server.body_limit: must be an integer from 1 to 67108864"},
        bad_case{R"({"server": {"header_limit": 10}})",
                 "server.header_limit: must be an integer from 1024 to 1048576"},
        bad_case{R"({"server": {"read_timeout_ms": 0}})",
                 "server.read_timeout_ms: must be an integer from 1 to 3600000"},
        bad_case{R"({"server": {"idle_timeout_ms": 3600001}})",
                 "server.idle_timeout_ms: must be an integer from 1 to 3600000"},
        bad_case{R"({"server": {"max_connections": 0}})",
                 "server.max_connections: must be an integer from 1 to 1000000"},
        bad_case{R"({"server": {"listen": "localhost"}})", "server.listen: not an IP address"},
        bad_case{R"({"server": {"trusted_proxies": ["10.0.0.0/33"]}})",
                 "server.trusted_proxies[0]: not an IP address or CIDR block"},
        bad_case{R"({"server": {"trusted_proxies": ["1.2.3.4", "proxy.local"]}})",
                 "server.trusted_proxies[1]: not an IP address or CIDR block"},
        bad_case{R"({"server": {"trusted_proxies": "1.2.3.4"}})",
                 "server.trusted_proxies: must be an array of strings"},
        bad_case{R"({"server": {"public_base_url": "ftp://x"}})", "server.public_base_url: not an http(s) URL"},
        bad_case{R"({"redis": {"url": "http://127.0.0.1:6379"}})", "redis.url: scheme must be redis:// or unix://"},
        bad_case{R"({"redis": {"url": "127.0.0.1:6379"}})", "redis.url: not a URL"},
        bad_case{R"({"redis": {"url": "redis://:6379"}})", "redis.url: no host"},
        bad_case{R"({"redis": {"url": "redis://h:99999"}})", "redis.url: not a URL"},
        bad_case{R"({"redis": {"url": "unix://"}})", "redis.url: no socket path (unix:///path/to/redis.sock)"},
        bad_case{R"({"redis": {"command_timeout_ms": 0}})",
                 "redis.command_timeout_ms: must be an integer from 1 to 3600000"},
        bad_case{R"({"redis": {"max_inbound_length": 0}})",
                 "redis.max_inbound_length: must be an integer from 1 to 1000000000"},
        bad_case{R"({"redis": {"min_replicas_ack": 17}})", "redis.min_replicas_ack: must be an integer from 0 to 16"},
        bad_case{R"({"redis": {"replica_ack_timeout_ms": 0}})",
                 "redis.replica_ack_timeout_ms: must be an integer from 1 to 60000"},
        bad_case{R"({"spool": {"max_bytes": 1000}})",
                 "spool.max_bytes: must be an integer from 1048576 to 1099511627776"},
        bad_case{R"({"spool": {"max_age_s": 5}})", "spool.max_age_s: must be an integer from 60 to 2592000"},
        bad_case{R"({"spool": {"max_bytes": 2097152, "segment_bytes": 4194304}})",
                 "spool.segment_bytes: larger than spool.max_bytes"},
        bad_case{R"({"spool": {"dir": 7}})", "spool.dir: must be a string"},
        bad_case{R"({"logging": {"level": "verbose"}})",
                 "logging.level: must be one of trace, debug, info, warn, error"},
        bad_case{R"({"logging": {"format": "xml"}})", "logging.format: must be json or text"},
        bad_case{R"({"sources": {}})", "sources: must be an array"},
        bad_case{R"({"sources": [1]})", "sources[0]: must be an object"},
        bad_case{R"({"sources": [{"channel": "web_form"}]})", "sources[0].id: required"},
        bad_case{R"({"sources": [{"id": "website"}]})", "sources[0].channel: required"},
        bad_case{R"({"sources": [{"id": "Web Site", "channel": "web_form"}]})",
                 "sources[0].id: must match [a-z0-9][a-z0-9_-]{0,63}"},
        bad_case{R"({"sources": [{"id": "-x", "channel": "web_form"}]})",
                 "sources[0].id: must match [a-z0-9][a-z0-9_-]{0,63}"},
        bad_case{R"({"sources": [{"id": "a", "channel": "web_form"}, {"id": "b", "channel": "zalo"},
                     {"id": "c", "channel": "sms"}, {"id": "a", "channel": "email"}]})",
                 "sources[3].id: duplicate 'a'"},
        bad_case{R"({"sources": [{"id": "a", "channel": "fax"}]})",
                 "sources[0].channel: unknown channel 'fax' (one of web_form, landing_page, zalo, "
                 "facebook_messenger, facebook_lead_ads, hotline, sms, email, api, import)"},
        bad_case{SRC(R"("frob": 1)"), "sources[0].frob: unknown key"},
        bad_case{SRC(R"("preset": "wix")"), "sources[0].preset: unknown preset 'wix' (generic or ladipage)"},
        bad_case{SRC(R"("enabled": "yes")"), "sources[0].enabled: must be true or false"},
        bad_case{SRC(R"("field_map": [])"),
                 "sources[0].field_map: must be an object of target field -> array of input names"},
        bad_case{SRC(R"("field_map": {"fone": ["sdt"]})"), "sources[0].field_map.fone: unknown target field"},
        bad_case{SRC(R"("field_map": {"interest.Program": ["p"]})"),
                 "sources[0].field_map.interest.Program: unknown target field"},
        bad_case{SRC(R"("field_map": {"phone": "sdt"})"), "sources[0].field_map.phone: must be an array of strings"},
        bad_case{SRC(R"("field_map": {"phone": ["sdt", 5]})"), "sources[0].field_map.phone[1]: must be a string"},
        bad_case{SRC(R"("field_map": {"phone": [""]})"), "sources[0].field_map.phone[0]: must not be empty"},
        bad_case{SRC(R"("field_map": {"full_name": ["name"], "phone": ["sdt", "NAME"]})"),
                 "sources[0].field_map.phone[1]: 'NAME' is already mapped to full_name"},
        bad_case{SRC(R"("required": ["full_name", "fone"])"), "sources[0].required[1]: unknown field 'fone'"},
        bad_case{SRC(R"("required": ["phone|mail"])"), "sources[0].required[0]: unknown field 'mail'"},
        bad_case{SRC(R"("required": ["phone|"])"), "sources[0].required[0]: empty alternative in 'phone|'"},
        bad_case{SRC(R"("required": "phone")"), "sources[0].required: must be an array of strings"},
        bad_case{SRC(R"("cors_origins": ["*", "https://ok.vn", "example.com"])"),
                 "sources[0].cors_origins[2]: not a URL"},
        bad_case{SRC(R"("cors_origins": ["ftp://example.com"])"), "sources[0].cors_origins[0]: not a URL"},
        bad_case{SRC(R"("cors_origins": ["https://example.com/form"])"),
                 "sources[0].cors_origins[0]: an origin is scheme://host[:port], without a path"},
        bad_case{SRC(R"("honeypot": "my field")"), "sources[0].honeypot: not a field name"},
        bad_case{SRC(R"("field_map": {"email": ["email"]}, "honeypot": "Email")"),
                 "sources[0].honeypot: 'Email' is also a mapped input; a honeypot must be a field people never fill"},
        bad_case{SRC(R"("honeypot": "Phone")"),
                 "sources[0].honeypot: 'Phone' is also a mapped input; a honeypot must be a field people never fill"},
        bad_case{SRC(R"("thank_you_url": "/thanks")"), "sources[0].thank_you_url: not an http(s) URL"},
        bad_case{SRC(R"("token": 12345)"), "sources[0].token: must be a string or {\"env\":\"NAME\"}"},
        bad_case{SRC(R"("token": "short")"), "sources[0].token: too short (at least 16 characters)"},
        bad_case{SRC(R"("token": {"env": "LG_TEST_SURELY_UNSET_VAR"})"),
                 "sources[0].token: environment variable LG_TEST_SURELY_UNSET_VAR is not set"},
        bad_case{SRC(R"("token": {"env": "1BAD-NAME"})"),
                 "sources[0].token.env: not a valid environment variable name"},
        bad_case{SRC(R"("dedupe_window_ms": 0)"),
                 "sources[0].dedupe_window_ms: must be an integer from 1 to 86400000"},
        bad_case{SRC(R"("max_field_length": 0)"),
                 "sources[0].max_field_length: must be an integer from 1 to 1048576"},
        bad_case{SRC(R"("max_fields": 10001)"), "sources[0].max_fields: must be an integer from 1 to 10000"},
        bad_case{SRC(R"("options": [])"), "sources[0].options: must be an object"}));

TEST(ConfigCheck, ReportsAllProblemsNotJustTheFirst) {
  const auto problems = check(json::parse(R"({
    "frobnicate": true,
    "server": {"port": 70000, "threads": -1},
    "sources": [{"id": "a", "channel": "web_form", "cors_origins": ["nope"]},
                {"id": "a", "channel": "web_form"}]})"));
  EXPECT_EQ(problems, (std::vector<std::string>{
                          "frobnicate: unknown key",
                          "server.port: must be an integer from 0 to 65535",
                          "server.threads: must be an integer from 0 to 1024",
                          "sources[0].cors_origins[0]: not a URL",
                          "sources[1].id: duplicate 'a'",
                      }));
  try {
    parse(json::parse(R"({"frobnicate": 1, "server": {"port": 70000}})"));
    FAIL() << "accepted";
  } catch (const config_error& e) {
    EXPECT_STREQ(e.what(), "frobnicate: unknown key\nserver.port: must be an integer from 0 to 65535");
  }
}

TEST(ConfigCheck, OtherChannelsKeepTheirPresetForTheirAdapter) {
  const auto c = parse(json::parse(R"({"sources":[{"id":"z","channel":"zalo","preset":"oa-v3"}]})"));
  EXPECT_EQ(c.sources.at(0).preset, "oa-v3");
}

TEST(ConfigSecret, TokenFromEnvironment) {
  ::setenv("LG_TEST_FORM_TOKEN", "s3cret-s3cret-s3cret", 1);
  const auto c = parse(json::parse(SRC(R"("token": {"env": "LG_TEST_FORM_TOKEN"})")));
  EXPECT_EQ(c.sources.at(0).token, "s3cret-s3cret-s3cret");
  ::unsetenv("LG_TEST_FORM_TOKEN");
}

// The message of the config_error resolve_secret(v, path) throws; "(no error)" when it throws none.
std::string secret_error(const json& v, const std::string& path) {
  try {
    resolve_secret(v, path);
  } catch (const config_error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ConfigSecret, ResolveSecretForms) {
  EXPECT_EQ(resolve_secret(json("plain"), "x"), "plain");
  ::setenv("LG_TEST_SECRET_A", "value-a", 1);
  EXPECT_EQ(resolve_secret(json{{"env", "LG_TEST_SECRET_A"}}, "x"), "value-a");
  ::setenv("LG_TEST_SECRET_A", "", 1);
  EXPECT_EQ(secret_error(json{{"env", "LG_TEST_SECRET_A"}}, "a.b"),
            "a.b: environment variable LG_TEST_SECRET_A is empty");
  ::unsetenv("LG_TEST_SECRET_A");
  EXPECT_EQ(secret_error(json{{"env", "LG_TEST_SECRET_A"}}, "a.b"),
            "a.b: environment variable LG_TEST_SECRET_A is not set");
  // Extra keys next to "env" are a mistake, not ignored.
  EXPECT_THROW(resolve_secret(json{{"env", "X"}, {"default", "y"}}, "p"), config_error);
  EXPECT_THROW(resolve_secret(json::array(), "p"), config_error);
}

#undef SRC

}  // namespace
}  // namespace lg::config
