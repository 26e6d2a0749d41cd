// The factory of the `webhook` destination type (connector_registry.hpp): a signed Standard
// Webhooks POST to the destination's URL, push only.
#include "webhooks/connector_registry.hpp"
#include "webhooks/connectors/webhook/webhook_connector.hpp"

namespace lg::webhooks {
namespace {

class webhook_factory final : public connector_factory {
 public:
  std::string_view type() const noexcept override { return "webhook"; }

  // The URL and the secrets are checked by the config itself (config/destinations.cpp).
  std::expected<void, core::error> check(const config::destination_config& d) const override {
    if (d.direction == "two_way")
      return std::unexpected(core::make_error(core::errc::invalid_field, "two_way needs a type that can pull", "direction"));
    if (!d.options.empty())
      return std::unexpected(core::make_error(core::errc::invalid_field, "the webhook type has no options", "options"));
    return {};
  }

  std::expected<connector_parts, core::error> make(const config::destination_config& d,
                                                   const connector_context& ctx) const override {
    if (auto ok = check(d); !ok) return std::unexpected(ok.error());
    webhook_connector_options wo;
    wo.url = d.url;
    wo.secrets = d.secrets;
    wo.timeout = d.timeout;
    wo.http.extra_ca_file = ctx.extra_ca_file;
    auto c = webhook_connector::create(ctx.executor, std::move(wo));
    if (!c) return std::unexpected(c.error());
    return connector_parts{std::move(*c), nullptr};
  }
};

}  // namespace

const connector_factory& webhook_connector_factory() {
  static const webhook_factory f;
  return f;
}

}  // namespace lg::webhooks
