// The spool's record format: round trip, and every way a segment can end badly (a torn tail at
// any byte, a flipped bit, a wrong magic, an absurd length, a payload that is not a lead) stops
// the decode at the last whole record, never yielding a partial lead.
#include "spool/record.hpp"

#include <boost/crc.hpp>
#include <gtest/gtest.h>

namespace lg::spool {
namespace {

spooled_lead lead(int i) {
  spooled_lead l;
  l.accept.tenant = "center-1";
  l.accept.idempotency_key = "form:web:" + std::to_string(i);
  l.accept.idempotency_window = std::chrono::minutes(10);
  l.accept.lead_id = "01J" + std::to_string(1000 + i);
  l.accept.event_json = R"({"lead_id":"01J)" + std::to_string(1000 + i) + R"(","name":"Nguyễn Thị Lan"})";
  l.accept.max_stream_length = 5000;
  l.spooled_at_ms = 1'765'000'000'000 + i;
  return l;
}

void expect_same(const spooled_lead& a, const spooled_lead& b) {
  EXPECT_EQ(a.accept.tenant, b.accept.tenant);
  EXPECT_EQ(a.accept.idempotency_key, b.accept.idempotency_key);
  EXPECT_EQ(a.accept.idempotency_window, b.accept.idempotency_window);
  EXPECT_EQ(a.accept.lead_id, b.accept.lead_id);
  EXPECT_EQ(a.accept.event_json, b.accept.event_json);
  EXPECT_EQ(a.accept.max_stream_length, b.accept.max_stream_length);
  EXPECT_EQ(a.spooled_at_ms, b.spooled_at_ms);
}

TEST(spool_record, round_trips_every_field) {
  std::string bytes;
  for (int i = 0; i < 3; ++i) bytes += encode_record(lead(i));
  const auto d = decode_segment(bytes);
  ASSERT_EQ(d.leads.size(), 3u);
  for (int i = 0; i < 3; ++i) expect_same(d.leads[i], lead(i));
  EXPECT_EQ(d.valid_bytes, bytes.size());
  EXPECT_EQ(d.dropped_bytes, 0u);
}

TEST(spool_record, empty_segment_has_no_leads) {
  const auto d = decode_segment("");
  EXPECT_TRUE(d.leads.empty());
  EXPECT_EQ(d.valid_bytes, 0u);
  EXPECT_EQ(d.dropped_bytes, 0u);
}

TEST(spool_record, a_torn_tail_at_any_byte_keeps_only_the_whole_records) {
  const std::string first = encode_record(lead(1)) + encode_record(lead(2));
  const std::string last = encode_record(lead(3));
  for (std::size_t cut = 1; cut < last.size(); ++cut) {
    const auto d = decode_segment(first + last.substr(0, cut));
    ASSERT_EQ(d.leads.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(d.valid_bytes, first.size()) << "cut at " << cut;
    EXPECT_EQ(d.dropped_bytes, cut) << "cut at " << cut;
  }
}

TEST(spool_record, a_flipped_bit_anywhere_in_a_record_stops_the_decode_there) {
  const std::string good = encode_record(lead(1));
  const std::string bad_src = encode_record(lead(2));
  for (std::size_t at = 0; at < bad_src.size(); ++at) {
    std::string bad = bad_src;
    bad[at] = static_cast<char>(bad[at] ^ 0x10);
    const auto d = decode_segment(good + bad + encode_record(lead(3)));
    // The flipped record and everything after it are dropped (a length flipped to a smaller
    // value fails the checksum; a larger one runs past the end).
    ASSERT_EQ(d.leads.size(), 1u) << "flipped byte " << at;
    EXPECT_EQ(d.valid_bytes, good.size()) << "flipped byte " << at;
  }
}

TEST(spool_record, an_absurd_length_is_corruption_not_an_allocation) {
  std::string bytes = encode_record(lead(1));
  std::string huge = "LGS1";
  huge += std::string("\xff\xff\xff\x7f", 4);  // ~2 GiB
  huge += std::string(4, '\0');
  huge += std::string(64, 'x');
  const auto d = decode_segment(bytes + huge);
  EXPECT_EQ(d.leads.size(), 1u);
  EXPECT_EQ(d.dropped_bytes, huge.size());
}

TEST(spool_record, a_checked_payload_that_is_not_a_lead_stops_the_decode) {
  // A record whose checksum is right but whose JSON lacks the lead's fields.
  const std::string payload = R"({"tenant":"t"})";
  boost::crc_32_type crc;
  crc.process_bytes(payload.data(), payload.size());
  std::string rec = "LGS1";
  auto put = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) rec.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  put(static_cast<std::uint32_t>(payload.size()));
  put(crc.checksum());
  rec += payload;
  const auto d = decode_segment(rec + encode_record(lead(1)));
  EXPECT_TRUE(d.leads.empty());
  EXPECT_EQ(d.valid_bytes, 0u);
}

}  // namespace
}  // namespace lg::spool
