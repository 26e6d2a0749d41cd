// See record.hpp.
#include "spool/record.hpp"

#include <boost/crc.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <cstring>

namespace lg::spool {
namespace {

constexpr std::array<char, 4> magic = {'L', 'G', 'S', '1'};

std::uint32_t crc32(std::string_view bytes) {
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint32_t get_u32(std::string_view in) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(in[i])) << (8 * i);
  return v;
}

// The payload back into a lead; false when it is not one (then the record counts as corrupt).
bool parse_payload(std::string_view payload, spooled_lead& out) {
  const auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object()) return false;
  try {
    auto& a = out.accept;
    a.tenant = j.at("tenant").get<std::string>();
    a.idempotency_key = j.at("key").get<std::string>();
    a.idempotency_window = std::chrono::milliseconds(j.at("window_ms").get<std::int64_t>());
    a.lead_id = j.at("lead_id").get<std::string>();
    a.event_json = j.at("event").get<std::string>();
    a.max_stream_length = j.at("max_length").get<std::size_t>();
    out.spooled_at_ms = j.at("at").get<std::int64_t>();
  } catch (const nlohmann::json::exception&) {
    return false;
  }
  return true;
}

}  // namespace

std::string encode_record(const spooled_lead& lead) {
  const auto& a = lead.accept;
  const std::string payload = nlohmann::json{{"tenant", a.tenant},
                                             {"key", a.idempotency_key},
                                             {"window_ms", a.idempotency_window.count()},
                                             {"lead_id", a.lead_id},
                                             {"event", a.event_json},
                                             {"max_length", a.max_stream_length},
                                             {"at", lead.spooled_at_ms}}
                                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(record_header_bytes + payload.size());
  out.append(magic.data(), magic.size());
  put_u32(out, static_cast<std::uint32_t>(payload.size()));
  put_u32(out, crc32(payload));
  out += payload;
  return out;
}

decoded_segment decode_segment(std::string_view bytes) {
  decoded_segment out;
  std::size_t at = 0;
  while (bytes.size() - at >= record_header_bytes) {
    const auto head = bytes.substr(at, record_header_bytes);
    if (std::memcmp(head.data(), magic.data(), magic.size()) != 0) break;
    const std::uint32_t length = get_u32(head.substr(4));
    if (length > max_payload_bytes || bytes.size() - at - record_header_bytes < length) break;
    const auto payload = bytes.substr(at + record_header_bytes, length);
    if (crc32(payload) != get_u32(head.substr(8))) break;
    spooled_lead lead;
    if (!parse_payload(payload, lead)) break;
    out.leads.push_back(std::move(lead));
    at += record_header_bytes + length;
  }
  out.valid_bytes = at;
  out.dropped_bytes = bytes.size() - at;
  return out;
}

}  // namespace lg::spool
