// See streams.hpp.
#include "store/streams.hpp"

#include <charconv>

namespace lg::store {

const std::string* stream_entry::field(std::string_view name) const noexcept {
  for (const auto& [f, v] : fields)
    if (f == name) return &v;
  return nullptr;
}

std::vector<stream_entry> parse_stream_entries(const redis_reply& list) {
  std::vector<stream_entry> out;
  out.reserve(list.elements.size());
  for (const auto& e : list.elements) {
    if (!e.is_array() || e.elements.empty()) continue;
    stream_entry en;
    en.id = e.elements[0].str;
    if (e.elements.size() < 2 || !e.elements[1].is_array()) {
      en.deleted = true;
    } else {
      const auto& f = e.elements[1].elements;
      en.fields.reserve(f.size() / 2);
      for (std::size_t i = 0; i + 1 < f.size(); i += 2) en.fields.emplace_back(f[i].str, f[i + 1].str);
    }
    out.push_back(std::move(en));
  }
  return out;
}

std::optional<stream_id> parse_stream_id(std::string_view s) noexcept {
  stream_id id;
  const auto dash = s.find('-');
  const auto ms = s.substr(0, dash);
  const auto [p, ec] = std::from_chars(ms.data(), ms.data() + ms.size(), id.ms);
  if (ec != std::errc{} || p != ms.data() + ms.size() || ms.empty()) return std::nullopt;
  if (dash == std::string_view::npos) return id;
  const auto seq = s.substr(dash + 1);
  const auto [q, ec2] = std::from_chars(seq.data(), seq.data() + seq.size(), id.seq);
  if (ec2 != std::errc{} || q != seq.data() + seq.size() || seq.empty()) return std::nullopt;
  return id;
}

}  // namespace lg::store
