// redis_options::from_url: the accepted URL forms and a clear error for each bad one.
#include "store/redis_client.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace lg::store {
namespace {

// Whether `o` is host `host`, port `port`, database `db`.
::testing::AssertionResult endpoint_is(const redis_options& o, std::string_view host, unsigned short port, int db) {
  if (o.host == host && o.port == port && o.db == db) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "host " << o.host << ", port " << o.port << ", db " << o.db;
}

TEST(redis_options, host_port_and_db) {
  auto o = redis_options::from_url("redis://cache.internal:6380/2");
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_TRUE(endpoint_is(*o, "cache.internal", 6380, 2));
  EXPECT_TRUE(o->password.empty());
  EXPECT_TRUE(o->unix_socket.empty());
}

TEST(redis_options, defaults_when_parts_are_missing) {
  auto o = redis_options::from_url("redis://10.0.0.5");
  ASSERT_TRUE(o.has_value());
  EXPECT_TRUE(endpoint_is(*o, "10.0.0.5", 6379, 0));
  auto slash = redis_options::from_url("redis://10.0.0.5:7000/");
  ASSERT_TRUE(slash.has_value());
  EXPECT_EQ(slash->port, 7000);
  EXPECT_EQ(slash->db, 0);
}

TEST(redis_options, password_and_user) {
  auto o = redis_options::from_url("redis://:hunter2@127.0.0.1:6379/1");
  ASSERT_TRUE(o.has_value());
  EXPECT_EQ(o->password, "hunter2");
  EXPECT_TRUE(o->username.empty());
  EXPECT_EQ(o->db, 1);

  auto acl = redis_options::from_url("redis://gateway:p%40ss%2Fword@h");
  ASSERT_TRUE(acl.has_value());
  EXPECT_EQ(acl->username, "gateway");
  EXPECT_EQ(acl->password, "p@ss/word");
  EXPECT_EQ(acl->host, "h");

  // A raw '@' in the password: the last '@' ends the credentials.
  auto raw = redis_options::from_url("redis://:a@b@h:1");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->password, "a@b");
  EXPECT_EQ(raw->host, "h");
}

TEST(redis_options, ipv6_literal) {
  auto o = redis_options::from_url("redis://[::1]:6390/4");
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_TRUE(endpoint_is(*o, "::1", 6390, 4));
}

TEST(redis_options, unix_socket) {
  auto o = redis_options::from_url("unix:///run/redis/redis.sock?db=5");
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_EQ(o->unix_socket, "/run/redis/redis.sock");
  EXPECT_EQ(o->db, 5);
  auto plain = redis_options::from_url("unix:///tmp/r.sock");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->unix_socket, "/tmp/r.sock");
  EXPECT_EQ(plain->db, 0);
  auto authed = redis_options::from_url("unix://:pw@/tmp/r.sock");
  ASSERT_TRUE(authed.has_value());
  EXPECT_EQ(authed->password, "pw");
  EXPECT_EQ(authed->unix_socket, "/tmp/r.sock");
}

struct bad_case {
  const char* url;
  const char* message_part;
};

TEST(redis_options, bad_urls_are_invalid_field_with_a_reason) {
  const bad_case cases[] = {
      {"", "must start with"},
      {"http://host", "must start with"},
      {"rediss://host", "TLS"},
      {"redis://", "missing host"},
      {"redis://:6379", "missing host"},
      {"redis://host:", "empty port"},
      {"redis://host:0", "port must be"},
      {"redis://host:65536", "port must be"},
      {"redis://host:12ab", "port must be"},
      {"redis://host/-1", "database"},
      {"redis://host/x", "database"},
      {"redis://host/1?db=2", "twice"},
      {"redis://host?timeout=5", "unknown parameter 'timeout'"},
      {"redis://user@host", "credentials"},
      {"redis://:@host", "empty password"},
      {"redis://:%zz@host", "percent-encoding"},
      {"redis://[::1", "unterminated"},
      {"unix://", "absolute socket path"},
      {"unix:///", "absolute socket path"},
      {"unix://host/sock", "takes no host"},
      {"unix:///s.sock?db=", "database"},
  };
  for (const auto& c : cases) {
    auto o = redis_options::from_url(c.url);
    ASSERT_FALSE(o.has_value()) << c.url;
    EXPECT_EQ(o.error().code, core::errc::invalid_field) << c.url;
    EXPECT_EQ(o.error().field, "redis.url") << c.url;
    EXPECT_NE(o.error().message.find(c.message_part), std::string::npos)
        << c.url << " -> " << o.error().message;
  }
}

TEST(redis_options, error_message_never_echoes_the_password) {
  auto o = redis_options::from_url("redis://:topsecret@host:99999");
  ASSERT_FALSE(o.has_value());
  EXPECT_EQ(o.error().message.find("topsecret"), std::string::npos) << o.error().message;
}

}  // namespace
}  // namespace lg::store
