// leadgate: `serve`, `check-config` and `version`. Startup errors name the config path and
// exit 2; check-config prints every problem as "path: reason" and exits 1.
#include "config/config.hpp"
#include "gateway/config_check.hpp"
#include "webhooks/delivery_pool.hpp"
#include "pollers/imap_poller.hpp"
#include "logging/logging.hpp"
#include "gateway/metrics.hpp"
#include "pollers/poll_service.hpp"
#include "gateway/routes.hpp"
#include "pipeline/rules_watcher.hpp"
#include "gateway/hook_support.hpp"
#include "gateway/server.hpp"
#include "spool/drainer.hpp"
#include "pipeline/worker_pool.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

#ifndef LG_VERSION
#define LG_VERSION "0.0.0"
#endif

namespace {

using namespace lg;

int check_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cout << path << ": cannot read file\n";
    return 1;
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    std::cout << path << ": not valid JSON: " << e.what() << "\n";
    return 1;
  }
  const auto problems = gateway::check_config(j);
  if (problems.empty()) {
    std::cout << "ok\n";
    return 0;
  }
  for (const auto& p : problems) std::cout << p << "\n";
  return 1;
}

struct roles {
  bool http = false;
  bool process = false;
};

pipeline::resolve_stage_options worker_options(const config::config& cfg) {
  pipeline::resolve_stage_options o;
  o.tenant = cfg.tenant;
  o.batch = cfg.processing.batch;
  o.claim_idle = cfg.processing.claim_idle;
  o.default_team = cfg.routing.default_team;
  o.resolve.policy.channel_priority = cfg.processing.channel_priority;
  o.resolve.outbox_limit = cfg.processing.outbox_limit;
  return o;
}

// The process role alone: workers and delivery until SIGTERM/SIGINT.
int run_process_only(pipeline::worker_pool& pool, webhooks::delivery_pool& delivery) {
  asio::io_context ioc;
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    pool.stop();
    delivery.stop();
  });
  ioc.run();
  return 0;
}

int serve(const std::string& path, unsigned threads, int port, const std::string& listen, roles want) {
  config::config cfg;
  store::redis_options redis;
  std::shared_ptr<const provider_apis::api_settings> enrich;  // Zalo OA / Graph API use
  try {
    cfg = config::load(path);
    if (const char* url = std::getenv("LEADGATE_REDIS_URL"); url && *url) cfg.redis.url = url;
    if (const char* dir = std::getenv("LEADGATE_SPOOL_DIR"); dir && *dir) cfg.spool.dir = dir;
    if (threads > 0) cfg.server.threads = threads;
    if (port >= 0) cfg.server.port = static_cast<unsigned short>(port);
    if (!listen.empty()) cfg.server.listen = listen;
    auto parsed = store::redis_options::from_url(cfg.redis.url);
    if (!parsed) throw config::config_error("redis.url: " + parsed.error().message);
    redis = *parsed;
    redis.connect_timeout = cfg.redis.connect_timeout;
    redis.command_timeout = cfg.redis.command_timeout;
    enrich = std::make_shared<const provider_apis::api_settings>(provider_apis::make_api_settings(cfg));
  } catch (const config::config_error& e) {
    std::cerr << "leadgate: config error: " << e.what() << "\n";
    return 2;
  }
  logging::init(cfg.logging.level, cfg.logging.format);

  const unsigned workers = want.process ? cfg.processing.workers : 0;
  // With teams configured, each resolved lead is routed and assigned before it is acknowledged.
  // Rules and teams: the config seeds the routing store once; admins' edits in Redis win after.
  auto live = std::make_shared<gateway::live_rules>(0, cfg.routing);
  routing::rule_set rules = cfg.routing;
  std::vector<routing::team> teams = cfg.teams;
  if (auto st = pipeline::load_routing(redis, cfg, std::chrono::seconds(3))) {
    live->set(st->version, std::make_shared<const routing::rule_set>(st->rules));
    rules = std::move(st->rules);
    teams = std::move(st->teams);
  } else {
    logging::warn("routing store not read (" + st.error() + "); starting from the config");
  }
  std::shared_ptr<pipeline::assign_stage> stage;
  if (workers > 0 && !teams.empty()) {
    pipeline::assign_stage_options ao;
    ao.time_zone = cfg.time_zone;
    ao.store.tenant = cfg.tenant;
    ao.store.outbox_max_length = cfg.processing.outbox_limit;
    stage = pipeline::assign_stage::create(std::move(rules), std::move(teams), ao);
  }
  // Published rule changes reach this process's workers and dry-run within a second.
  pipeline::rules_watcher_options wo;
  wo.tenant = cfg.tenant;
  pipeline::rules_watcher watcher(redis, wo, live, stage);
  watcher.start();
  pipeline::worker_pool pool(redis, worker_options(cfg), workers, stage, enrich);
  // IMAP mailboxes are polled by the process role: like the workers, they feed lg:{t}:in.
  std::unique_ptr<pollers::imap_pollers> mail;
  // Delivery (the outbox fan-out and one worker per destination) runs with the process role:
  // leases in Redis keep each destination to one process at a time (delivery_pool.hpp).
  std::unique_ptr<webhooks::delivery_pool> delivery;
  try {
    webhooks::delivery_pool_options dopts;
    dopts.local_time = [zone = cfg.time_zone](std::int64_t ms) { return pipeline::make_clock_point(ms, zone); };
    if (want.process) delivery = std::make_unique<webhooks::delivery_pool>(cfg, redis, std::move(dopts));
  } catch (const config::config_error& e) {
    std::cerr << "leadgate: config error: " << e.what() << "\n";
    return 2;
  }
  if (!want.http) {
    try {
      if (want.process) mail = std::make_unique<pollers::imap_pollers>(cfg, redis);
    } catch (const config::config_error& e) {
      std::cerr << "leadgate: config error: " << e.what() << "\n";
      return 2;
    }
    if (mail) mail->start();
    pool.start();
    delivery->start();
    std::cout << "processing lg:{" << cfg.tenant << "}:in with " << workers << " workers, delivering to "
              << delivery->destinations() << " destinations" << std::endl;
    return run_process_only(pool, *delivery);
  }

  gateway::metrics stats;
  if (delivery) stats.set_delivery_source([&delivery] { return delivery->report(); });
  stats.watch_processing(cfg.tenant, worker_options(cfg).group);
  if (stage) stats.watch_assignments(stage);
  std::optional<gateway::router> routes;
  try {
    routes.emplace(gateway::build_router(cfg, stats, live));
    if (want.process) mail = std::make_unique<pollers::imap_pollers>(cfg, redis, stats.poll_observer());
  } catch (const config::config_error& e) {
    std::cerr << "leadgate: config error: " << e.what() << "\n";
    return 2;
  }
  // The spool: leads accepted while Redis cannot take them wait on disk; the drainer replays them.
  std::shared_ptr<spool::spool> local_spool;
  std::unique_ptr<spool::drainer> drainer;
  if (!cfg.spool.dir.empty()) {
    auto opened = spool::spool::open(spool::spool_options{cfg.spool.dir, cfg.spool.max_bytes, cfg.spool.max_age,
                                                          cfg.spool.segment_bytes});
    if (!opened) {
      std::cerr << "leadgate: spool.dir: " << opened.error().message << "\n";
      return 2;
    }
    local_spool = std::move(*opened);
    spool::drainer_options dro;
    dro.min_replicas_ack = cfg.redis.min_replicas_ack;
    dro.replica_ack_timeout = cfg.redis.replica_ack_timeout;
    drainer = std::make_unique<spool::drainer>(local_spool, redis, dro);
    stats.set_spool_source([sp = local_spool] { return sp->report(); });
  }
  gateway::server srv(gateway::server_options{cfg.server, redis, true, local_spool.get()}, *routes, stats);
  try {
    srv.start();
  } catch (const std::exception& e) {
    std::cerr << "leadgate: cannot listen on " << cfg.server.listen << ":" << cfg.server.port << ": " << e.what()
              << "\n";
    return 2;
  }
  std::string host = srv.address();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  const std::string base = "http://" + host + ":" + std::to_string(srv.port());
  std::cout << "listening on " << base << " (" << srv.thread_count() << " threads)";
  for (const auto& src : cfg.sources) {
    if (src.enabled && (src.channel == "web_form" || src.channel == "landing_page")) {
      std::cout << " " << base << "/v1/forms/" << src.id;
    }
  }
  std::cout << " " << base << "/metrics";
  std::cout << " admin " << base << "/admin/v1/";
  if (workers > 0) std::cout << " (processing with " << workers << " workers)";
  std::cout << std::endl;
  if (drainer) drainer->start();
  pool.start();
  // After start: the source's lock orders the workers' creation before any scrape reads them.
  if (workers > 0) stats.set_processing_source([&pool] { return pool.totals(); });
  if (delivery) delivery->start();
  pollers::lead_ads_poller_options poll_opts;
  poll_opts.limits = gateway::hooks::accept_limits(cfg.redis);
  pollers::poll_service polls(redis, *enrich, poll_opts);
  polls.start();
  if (mail) mail->start();
  srv.run();
  if (mail) mail->stop();
  polls.stop();
  pool.stop();
  if (delivery) delivery->stop();
  if (drainer) drainer->stop();
  logging::info("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"leadgate — lead-capture gateway"};
  app.require_subcommand(1);

  std::string serve_config;
  unsigned threads = 0;
  int port = -1;
  std::string listen;
  auto* serve_cmd = app.add_subcommand("serve", "Run the HTTP gateway");
  serve_cmd->add_option("--config,-c", serve_config, "Config file (JSON)")->required();
  serve_cmd->add_option("--threads", threads, "Worker threads (default: all cores)");
  serve_cmd->add_option("--port", port, "Listen port (0: any free port)")->check(CLI::Range(0, 65535));
  serve_cmd->add_option("--listen", listen, "Listen address");
  std::vector<std::string> role_names{"http", "process"};
  serve_cmd->add_option("--roles", role_names, "What this process runs: http, process (default both)")
      ->delimiter(',')
      ->check(CLI::IsMember({"http", "process"}));

  std::string check_path;
  auto* check_cmd = app.add_subcommand("check-config", "Validate a config file");
  check_cmd->add_option("file", check_path, "Config file (JSON)")->required();

  auto* version_cmd = app.add_subcommand("version", "Print the version");

  CLI11_PARSE(app, argc, argv);
  if (*serve_cmd) {
    roles want;
    for (const auto& r : role_names) (r == "http" ? want.http : want.process) = true;
    return serve(serve_config, threads, port, listen, want);
  }
  if (*check_cmd) return check_config(check_path);
  if (*version_cmd) {
    std::cout << "leadgate " << LG_VERSION << "\n";
    return 0;
  }
  return 1;
}
