// The route table of the process, built once from the config. The router keeps references
// to `cfg` and `stats`: both must outlive it.
#pragma once

#include "config/config.hpp"
#include "gateway/admin/auth.hpp"
#include "gateway/client_ip.hpp"
#include "gateway/metrics.hpp"
#include "gateway/router.hpp"

#include <memory>

namespace lg::pipeline {
class live_rules;
}  // namespace lg::pipeline

namespace lg::gateway {

// POST/OPTIONS /v1/forms/{source}. `proxies` is copied.
void add_form_routes(router& r, const config::config& cfg, metrics& stats, proxy_list proxies);
// GET /, /healthz, /readyz, /metrics, /thanks.
void add_ops_routes(router& r, const config::config& cfg, metrics& stats);

// GET /admin/v1/contacts and /admin/v1/contacts/{id} (viewer and above).
void add_contact_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth);

// POST/GET /v1/hooks/{channel}/{source}: the webhook channels (zalo, facebook, telephony, sms,
// email). Builds every webhook source's adapter now; throws config::config_error on bad options.
void add_hook_routes(router& r, const config::config& cfg, metrics& stats, proxy_list proxies);
// POST /v1/leads: the partner API (sources of channel "api"). Throws config::config_error.
void add_partner_routes(router& r, const config::config& cfg, metrics& stats, proxy_list proxies);
// GET /admin/v1/quarantine (viewer and above).
void add_quarantine_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth);

// GET /admin/v1/destinations, GET /admin/v1/destinations/{d}/dead (viewer and above) and
// POST /admin/v1/destinations/{d}/replay (admin).
void add_destination_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth);

// POST /v1/sync/{destination}: change notifications of two_way destinations (bearer
// options.notify_secret); they schedule an immediate pull.
void add_sync_routes(router& r, const config::config& cfg);

// POST /v1/teams/{team}/claim, /v1/leads/{lead_id}/accept and /release (agent and admin).
void add_team_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth);
// GET /admin/v1/queues (viewer and above).
void add_queues_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth);

using pipeline::live_rules;  // pipeline/rules_watcher.hpp

// /admin/v1/rules (GET/PUT, validate, test, history, rollback) and /admin/v1/audit. `live`: the
// rules this process applies (the dry-run uses them); null: the stored current set.
void add_admin_rules_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth,
                            std::shared_ptr<live_rules> live);
// /admin/v1/teams, /admin/v1/teams/{team}, .../members/{member}, .../members/{member}/state.
void add_admin_teams_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth);

// Every route family (gateway/routes.cpp), with one admin_auth shared by the admin routes.
// `live`: the rules this process applies (pipeline/rules_watcher.hpp), for the dry-run.
// Throws config::config_error when server.trusted_proxies is invalid.
router build_router(const config::config& cfg, metrics& stats, std::shared_ptr<live_rules> live = nullptr);

}  // namespace lg::gateway
