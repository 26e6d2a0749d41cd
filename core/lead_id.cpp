// Time-ordered lead ids; see lead_id.hpp. The generator is per thread so the request path
// takes no lock.
#include "core/lead_id.hpp"

#include <array>
#include <cstdint>
#include <random>

namespace lg::core {
namespace {

constexpr std::string_view crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::mt19937_64& generator() {
  thread_local std::mt19937_64 gen = [] {
    std::random_device rd;
    std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
    return std::mt19937_64(seq);
  }();
  return gen;
}

}  // namespace

std::string new_lead_id(std::chrono::system_clock::time_point now) {
  const auto ms = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
  // 128 bits as hi:lo; 48 bits of time on top, 80 random bits below.
  const std::uint64_t r1 = generator()();
  const std::uint64_t r2 = generator()();
  const std::uint64_t hi = ((ms & 0xFFFFFFFFFFFFull) << 16) | (r1 >> 48);
  const std::uint64_t lo = r2;

  std::string out(lead_id_prefix);
  out.resize(lead_id_length);
  // 26 characters * 5 bits = 130 bits: the first character carries only the top 3 bits.
  for (int i = 0; i < 26; ++i) {
    const int shift = 125 - 5 * i;  // bit offset of this character's lowest bit
    std::uint64_t v;
    if (shift >= 64) {
      v = hi >> (shift - 64);
    } else if (shift > 59) {
      v = (hi << (64 - shift)) | (lo >> shift);
    } else {
      v = lo >> shift;
    }
    out[3 + static_cast<std::size_t>(i)] = crockford[v & 31u];
  }
  return out;
}

bool is_lead_id(std::string_view id) noexcept {
  if (id.size() != lead_id_length || !id.starts_with(lead_id_prefix)) return false;
  // The first character encodes 3 bits, so it is 0-7.
  if (id[3] < '0' || id[3] > '7') return false;
  for (char c : id.substr(3)) {
    if (crockford.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace lg::core
