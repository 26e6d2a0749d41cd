// See config_check.hpp.
#include "gateway/config_check.hpp"

#include "adapters/adapter.hpp"
#include "config/config.hpp"
#include "webhooks/connector_registry.hpp"

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
    const auto path = "destinations[" + std::to_string(i) + "]";
    const auto* factory = webhooks::find_connector_factory(d.type);
    if (factory == nullptr) {
      problems.push_back(path + ".type: no connector for '" + d.type + "'");
    } else if (auto ok = factory->check(d); !ok) {
      problems.push_back(path + "." + ok.error().field + ": " + ok.error().message);
    }
  }
  return problems;
}

}  // namespace lg::gateway
