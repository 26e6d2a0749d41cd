// Pure pieces of lead assignment that the Redis side (store/lua/assign.lua) mirrors: the compact
// working-hours form the script tests duty against, and the smooth weighted round robin pick,
// kept here as the reference the script is checked against.
#pragma once

#include "routing/teams.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace lg::routing {

// A member's working hours as assign.lua reads them: "" when always available; else seven days,
// Monday first, separated by ';', each a comma list of "from-to" minutes since local midnight
// (to < from crosses midnight), e.g. "480-720,810-1050;480-720;;;;;".
std::string encode_hours(const member& m);

// Smooth weighted round robin: every candidate's current weight grows by its weight, the
// largest (first on ties) wins and gives back the sum. Over any run of sum(weights) picks each
// candidate gets exactly its weight, interleaved. `current` is the state, one per weight.
std::size_t smooth_wrr_pick(std::vector<long long>& current, const std::vector<int>& weights);

}  // namespace lg::routing
