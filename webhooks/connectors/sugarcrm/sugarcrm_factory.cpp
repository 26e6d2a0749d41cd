// The factory of the `sugarcrm` destination type (connector_registry.hpp): its options from the
// destination's config, then one session shared by the push connector and, for direction
// two_way, the pull poller (sugarcrm_destination.hpp).
#include "webhooks/connector_registry.hpp"
#include "webhooks/connectors/sugarcrm/sugarcrm_destination.hpp"


namespace lg::webhooks {
namespace {

std::expected<sugarcrm::options, core::error> options_of(const config::destination_config& d, std::string tenant,
                                                          std::string extra_ca_file) {
  sugarcrm::options so;
  so.tenant = std::move(tenant);
  so.destination = d.id;
  so.base_url = d.url;
  so.two_way = d.direction == "two_way";
  so.timeout = d.timeout;
  so.http.extra_ca_file = std::move(extra_ca_file);
  if (const auto it = d.credentials.find("password"); it != d.credentials.end()) so.password = it->second;
  if (const auto it = d.credentials.find("client_secret"); it != d.credentials.end()) so.client_secret = it->second;
  return sugarcrm::read_options(d.options, std::move(so));
}

class sugarcrm_factory final : public connector_factory {
 public:
  std::string_view type() const noexcept override { return "sugarcrm"; }

  std::expected<void, core::error> check(const config::destination_config& d) const override {
    auto o = options_of(d, "check", "");
    if (!o) return std::unexpected(o.error());
    return {};
  }

  std::expected<connector_parts, core::error> make(const config::destination_config& d,
                                                   const connector_context& ctx) const override {
    auto o = options_of(d, ctx.tenant, ctx.extra_ca_file);
    if (!o) return std::unexpected(o.error());
    auto parts = sugarcrm::make_destination(ctx.executor, ctx.redis, std::move(*o), ctx.local_time);
    return connector_parts{std::move(parts.push), std::move(parts.pull)};
  }
};

}  // namespace

const connector_factory& sugarcrm_connector_factory() {
  static const sugarcrm_factory f;
  return f;
}

}  // namespace lg::webhooks
