// Pure assignment helpers (see assign_plan.hpp).
#include "routing/assign_plan.hpp"

namespace lg::routing {

std::string encode_hours(const member& m) {
  if (m.always_available) return {};
  std::string out;
  for (std::size_t d = 0; d < m.hours.size(); ++d) {
    if (d > 0) out.push_back(';');
    bool first = true;
    for (const auto& w : m.hours[d]) {
      if (!first) out.push_back(',');
      first = false;
      out += std::to_string(w.from) + "-" + std::to_string(w.to);
    }
  }
  return out;
}

std::size_t smooth_wrr_pick(std::vector<long long>& current, const std::vector<int>& weights) {
  if (current.size() != weights.size()) current.assign(weights.size(), 0);
  long long total = 0;
  std::size_t best = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    current[i] += weights[i];
    total += weights[i];
    if (current[i] > current[best]) best = i;
  }
  if (!current.empty()) current[best] -= total;
  return best;
}

}  // namespace lg::routing
