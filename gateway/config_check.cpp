// See config_check.hpp.
#include "gateway/config_check.hpp"

#include "adapters/adapter.hpp"
#include "config/config.hpp"
#include "webhooks/sugarcrm/sugarcrm_options.hpp"

#include <nlohmann/json.hpp>

namespace lg::gateway {

std::vector<std::string> check_config(const nlohmann::json& j) {
  auto problems = config::check(j);
  if (!problems.empty()) return problems;
  config::config cfg;
  try {
    cfg = config::parse(j);
  } catch (const config::config_error& e) {
    return {e.what()};
  }
  for (std::size_t i = 0; i < cfg.sources.size(); ++i) {
    try {
      adapters::check_source(cfg.sources[i], "sources[" + std::to_string(i) + "]");
    } catch (const config::config_error& e) {
      problems.emplace_back(e.what());
    }
  }
  for (std::size_t i = 0; i < cfg.destinations.size(); ++i) {
    const auto& d = cfg.destinations[i];
    if (d.type != "sugarcrm") continue;
    webhooks::sugarcrm::options base;
    base.base_url = d.url;
    if (const auto it = d.credentials.find("password"); it != d.credentials.end()) base.password = it->second;
    if (auto read = webhooks::sugarcrm::read_options(d.options, std::move(base)); !read)
      problems.push_back("destinations[" + std::to_string(i) + "]." + read.error().field + ": " + read.error().message);
  }
  return problems;
}

}  // namespace lg::gateway
