// See connector_registry.hpp. The build writes connector_list.inc, one LG_CONNECTOR(<type>) per
// folder of connectors/; each folder defines lg::webhooks::<type>_connector_factory().
#include "webhooks/connector_registry.hpp"

#include <algorithm>
#include <array>

namespace lg::webhooks {

#define LG_CONNECTOR(type) const connector_factory& type##_connector_factory();
#include "connector_list.inc"
#undef LG_CONNECTOR

namespace {

const auto& factories() {
#define LG_CONNECTOR(type) &type##_connector_factory(),
  static const std::array all{
#include "connector_list.inc"
  };
#undef LG_CONNECTOR
  return all;
}

}  // namespace

const connector_factory* find_connector_factory(std::string_view type) {
  for (const auto* f : factories())
    if (f->type() == type) return f;
  return nullptr;
}

std::vector<std::string_view> connector_types() {
  std::vector<std::string_view> out;
  for (const auto* f : factories()) out.push_back(f->type());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace lg::webhooks
