// The key schema: every key of a tenant carries the {tenant} hash tag.
#include "store/keys.hpp"

#include <gtest/gtest.h>

namespace lg::store {
namespace {

TEST(keys, builders) {
  EXPECT_EQ(keys::prefix("acme"), "lg:{acme}:");
  EXPECT_EQ(keys::inbound("acme"), "lg:{acme}:in");
  EXPECT_EQ(keys::idempotency("acme", "zalo:msg:8a1f"), "lg:{acme}:idem:zalo:msg:8a1f");
  EXPECT_EQ(keys::quarantine("acme"), "lg:{acme}:quarantine");
}

// Redis Cluster hashes only the text between the first '{' and the next '}', so every key of
// one tenant must start with the same tag, whatever follows it.
TEST(keys, one_tenant_one_hash_tag) {
  auto tag = [](const std::string& k) {
    auto open = k.find('{');
    auto close = k.find('}', open + 1);
    return k.substr(open + 1, close - open - 1);
  };
  for (const auto& k : {keys::inbound("hn"), keys::idempotency("hn", "a}{b"),
                        keys::quarantine("hn"), keys::prefix("hn")}) {
    EXPECT_EQ(tag(k), "hn") << k;
  }
}

}  // namespace
}  // namespace lg::store
