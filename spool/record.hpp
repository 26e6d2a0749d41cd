// The spool's record format: pure encode and decode, no I/O.
//
// A segment file is a sequence of records, each
//   magic "LGS1" (4 bytes) | payload length (u32 LE) | CRC-32 of the payload (u32 LE) | payload
// where the payload is a JSON object holding the accept request and when it was spooled. A
// crash can leave the last record of the last segment half written (a torn tail): decode stops at
// the first record that is short, has a wrong magic, an absurd length, a wrong checksum or a
// payload that is not a spooled lead, and reports how many bytes it left, never a partial lead.
#pragma once

#include "store/inbound_log.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lg::spool {

// One lead waiting in the spool: the accept it needs, and when it was written (ms since epoch).
struct spooled_lead {
  store::accept_request accept;
  std::int64_t spooled_at_ms = 0;
};

inline constexpr std::size_t record_header_bytes = 12;
// A payload is one lead event (the HTTP body limit is 1 MiB); more than this is corruption.
inline constexpr std::uint32_t max_payload_bytes = 16u << 20;

// The record of `lead`, header included.
std::string encode_record(const spooled_lead& lead);

struct decoded_segment {
  std::vector<spooled_lead> leads;
  std::size_t valid_bytes = 0;    // the prefix of whole, checked records
  std::size_t dropped_bytes = 0;  // what follows it (a torn tail or corruption)
};

decoded_segment decode_segment(std::string_view bytes);

}  // namespace lg::spool
