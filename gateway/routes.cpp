// build_router(): every route family of the process, in one place (see routes.hpp).
#include "gateway/routes.hpp"

namespace lg::gateway {

router build_router(const config::config& cfg, metrics& stats, std::shared_ptr<live_rules> live) {
  auto proxies = proxy_list::parse(cfg.server.trusted_proxies);
  if (!proxies) throw config::config_error("server." + proxies.error());
  router r;
  add_ops_routes(r, cfg, stats);
  add_hook_routes(r, cfg, stats, *proxies);
  add_partner_routes(r, cfg, stats, *proxies);
  add_form_routes(r, cfg, stats, std::move(*proxies));
  auto auth = std::make_shared<const admin_auth>(cfg.admin);
  add_contact_routes(r, cfg, auth);
  add_quarantine_routes(r, cfg, auth);
  add_team_routes(r, cfg, auth);
  add_queues_routes(r, cfg, auth);
  add_destination_routes(r, cfg, auth);
  add_sync_routes(r, cfg);
  add_admin_rules_routes(r, cfg, auth, std::move(live));
  add_admin_teams_routes(r, cfg, auth);
  return r;
}

}  // namespace lg::gateway
