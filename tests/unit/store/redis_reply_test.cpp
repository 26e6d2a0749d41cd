// copy_reply over replies parsed by hiredis's own reader from RESP bytes, and the accessors.
#include "store/redis_reply.hpp"

#include <hiredis/hiredis.h>

#include <gtest/gtest.h>

#include <memory>

namespace lg::store {
namespace {

// Feeds RESP bytes to a hiredis reader and deep-copies the one reply it yields.
redis_reply parse(std::string_view resp) {
  std::unique_ptr<redisReader, decltype(&redisReaderFree)> reader(redisReaderCreate(),
                                                                  &redisReaderFree);
  EXPECT_EQ(redisReaderFeed(reader.get(), resp.data(), resp.size()), REDIS_OK);
  void* raw = nullptr;
  EXPECT_EQ(redisReaderGetReply(reader.get(), &raw), REDIS_OK);
  EXPECT_NE(raw, nullptr) << "incomplete RESP: " << resp;
  if (raw == nullptr) return {};
  redis_reply copy = copy_reply(*static_cast<redisReply*>(raw));
  freeReplyObject(raw);  // the copy must not point into hiredis memory
  return copy;
}

TEST(redis_reply, scalars) {
  auto s = parse("$5\r\nhello\r\n");
  EXPECT_EQ(s.type, redis_reply::kind::string);
  EXPECT_EQ(s.as_string(), "hello");

  auto st = parse("+OK\r\n");
  EXPECT_EQ(st.type, redis_reply::kind::status);
  EXPECT_EQ(st.as_string(), "OK");

  auto e = parse("-NOSCRIPT No matching script\r\n");
  EXPECT_TRUE(e.is_error());
  EXPECT_EQ(e.str, "NOSCRIPT No matching script");
  EXPECT_FALSE(e.as_string().has_value());

  auto i = parse(":-42\r\n");
  EXPECT_EQ(i.type, redis_reply::kind::integer);
  EXPECT_EQ(i.as_integer(), -42);
  EXPECT_FALSE(i.as_string().has_value());

  auto n = parse("$-1\r\n");
  EXPECT_TRUE(n.is_nil());
  EXPECT_FALSE(n.as_string().has_value());
  EXPECT_FALSE(n.as_integer().has_value());
}

TEST(redis_reply, binary_strings_keep_every_byte) {
  auto s = parse(std::string_view("$4\r\na\0\r\n\r\n", 10));
  ASSERT_EQ(s.str.size(), 4u);
  EXPECT_EQ(s.str, std::string("a\0\r\n", 4));
}

TEST(redis_reply, nested_arrays_are_deep_copied) {
  // An XRANGE-shaped reply: [[id, [field, value]], nil-array member, integer]
  auto r = parse(
      "*3\r\n"
      "*2\r\n$3\r\n1-0\r\n*2\r\n$4\r\nlead\r\n$2\r\n{}\r\n"
      "$-1\r\n"
      ":7\r\n");
  ASSERT_TRUE(r.is_array());
  ASSERT_EQ(r.elements.size(), 3u);
  const auto& entry = r.elements[0];
  ASSERT_TRUE(entry.is_array());
  EXPECT_EQ(entry.elements[0].str, "1-0");
  ASSERT_EQ(entry.elements[1].elements.size(), 2u);
  EXPECT_EQ(entry.elements[1].elements[0].str, "lead");
  EXPECT_EQ(entry.elements[1].elements[1].str, "{}");
  EXPECT_TRUE(r.elements[1].is_nil());
  EXPECT_EQ(r.elements[2].integer, 7);

  auto empty = parse("*0\r\n");
  EXPECT_TRUE(empty.is_array());
  EXPECT_TRUE(empty.elements.empty());
  auto nil_array = parse("*-1\r\n");
  EXPECT_TRUE(nil_array.is_nil());
}

TEST(redis_reply, as_integer_reads_only_whole_decimal_strings) {
  EXPECT_EQ(parse("$3\r\n123\r\n").as_integer(), 123);
  EXPECT_EQ(parse("$2\r\n-5\r\n").as_integer(), -5);
  EXPECT_FALSE(parse("$4\r\n12ab\r\n").as_integer().has_value());
  EXPECT_FALSE(parse("$0\r\n\r\n").as_integer().has_value());
  EXPECT_FALSE(parse("$20\r\n99999999999999999999\r\n").as_integer().has_value());  // overflow
  EXPECT_FALSE(parse("+12\r\n").as_integer().has_value());  // status is not a number reply
}

TEST(redis_reply, field_reads_a_flat_name_value_array) {
  // One group of XINFO GROUPS: name, consumers, pending, lag (nil when Redis cannot count it).
  auto g = parse("*8\r\n$4\r\nname\r\n$7\r\nprocess\r\n$7\r\npending\r\n:3\r\n"
                 "$3\r\nlag\r\n$-1\r\n$9\r\nconsumers\r\n:2\r\n");
  ASSERT_NE(g.field("name"), nullptr);
  EXPECT_EQ(g.field("name")->str, "process");
  ASSERT_NE(g.field("pending"), nullptr);
  EXPECT_EQ(g.field("pending")->as_integer(), 3);
  ASSERT_NE(g.field("lag"), nullptr);
  EXPECT_TRUE(g.field("lag")->is_nil());
  EXPECT_EQ(g.field("consumers")->integer, 2);
  EXPECT_EQ(g.field("process"), nullptr);  // a value is not a name
  EXPECT_EQ(g.field("entries-read"), nullptr);
  EXPECT_EQ(parse(":1\r\n").field("name"), nullptr);
}

}  // namespace
}  // namespace lg::store
