// What `leadgate check-config` checks: the config's own validation (config::check), then what
// `serve` reads from it at start before it opens anything — every source's adapter options and
// every connector's options — so a file check-config accepts is one `serve` starts with.
// Secrets are resolved as at start: an unset environment variable is a problem.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace lg::gateway {

// Every problem as "path: reason"; empty when the config is good.
std::vector<std::string> check_config(const nlohmann::json& j);

}  // namespace lg::gateway
