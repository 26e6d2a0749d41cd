// Internal to config/: the one pass that builds a config from JSON and collects problems.
#pragma once

#include "config/config.hpp"
#include "config/json_reader.hpp"
#include "core/url.hpp"

#include <string>
#include <vector>

namespace lg::config::detail {

using core::is_http_url;
using core::is_ip_address;
using core::is_ip_or_cidr;
using core::parse_url;

// Builds what it can; every problem lands in `problems` as "path: reason".
config build(const nlohmann::json& j, std::vector<std::string>& problems);

// One entry of "sources"; `path` is "sources[i]".
void read_source(const nlohmann::json& j, const std::string& path, json_reader& r, source_config& out);

// The "admin", "processing", "teams" and "routing" sections (admin.cpp, routing_section.cpp).
void read_admin(const nlohmann::json& j, json_reader& r, admin_config& out);
void read_processing(const nlohmann::json& j, json_reader& r, processing_config& out);
void read_teams_and_routing(const nlohmann::json& j, json_reader& r, config& c);
// The "destinations" array (destinations.cpp).
void read_destinations(const nlohmann::json& j, json_reader& r, config& c);

// [a-z0-9][a-z0-9_-]{0,63}: source ids and the tenant, which appear in URLs and Redis keys.
bool is_valid_id(std::string_view s) noexcept;
inline constexpr std::string_view id_rule = "must match [a-z0-9][a-z0-9_-]{0,63}";

}  // namespace lg::config::detail
