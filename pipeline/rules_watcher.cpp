// See rules_watcher.hpp.
#include "pipeline/rules_watcher.hpp"

#include "logging/logging.hpp"
#include "store/assignments.hpp"
#include "store/keys.hpp"
#include "store/startup.hpp"

namespace lg::pipeline {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

store::rule_store_options store_options(const std::string& tenant) {
  store::rule_store_options o;
  o.tenant = tenant;
  return o;
}

}  // namespace

std::expected<routing::rule_set, std::vector<std::string>> parse_stored_rules(std::string_view text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::unexpected(std::vector<std::string>{"rules: not JSON"});
  return routing::parse_rules(j);
}

live_rules::live_rules(std::int64_t version, routing::rule_set rules)
    : current_{version, std::make_shared<const routing::rule_set>(std::move(rules))} {}

live_rules::snapshot live_rules::get() const {
  std::lock_guard lock(mutex_);
  return current_;
}

void live_rules::set(std::int64_t version, std::shared_ptr<const routing::rule_set> rules) {
  std::lock_guard lock(mutex_);
  current_ = snapshot{version, std::move(rules)};
}

std::vector<routing::team> parse_team_defs(const std::map<std::string, std::string>& defs,
                                           std::vector<std::string>* problems) {
  std::vector<routing::team> out;
  for (const auto& [id, text] : defs) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) {
      if (problems != nullptr) problems->push_back("team " + id + ": not JSON");
      continue;
    }
    auto t = routing::parse_team(j);
    if (!t || t->id != id) {
      if (problems != nullptr) problems->push_back("team " + id + ": " + (t ? "id " + t->id : t.error().front()));
      continue;
    }
    out.push_back(std::move(*t));
  }
  return out;
}

awaitable<std::expected<void, core::error>> async_seed_routing(store::redis_client& redis,
                                                               const config::config& cfg) {
  const auto opts = store_options(cfg.tenant);
  auto cur = co_await store::async_current_rules(redis, opts);
  if (!cur) co_return std::unexpected(cur.error());
  const bool have_config_rules = cfg.routing_json.is_object() && cfg.routing_json.contains("default_team");
  if (!*cur && have_config_rules) {
    const std::string json = cfg.routing_json.dump();
    const std::string author = "config";
    const std::string action = "rules.seed";
    const std::string detail = "{}";
    // A conflict means another process seeded first: equally good.
    auto put = co_await store::async_put_rules(redis, opts, 0, json, author, now_ms(), action, detail);
    if (!put) co_return std::unexpected(put.error());
  }
  auto seeded = co_await store::async_team_defs_seeded(redis, opts);
  if (!seeded) co_return std::unexpected(seeded.error());
  if (!*seeded) {
    store::assign_options ao;
    ao.tenant = cfg.tenant;
    for (const auto& t : cfg.teams) {
      const std::string json = routing::to_json(t).dump();
      auto w = co_await store::async_seed_team_def(redis, opts, t.id, json, now_ms());
      if (!w) co_return std::unexpected(w.error());
      // The engine's copy, unless it is there (written by an earlier version of the config).
      const store::team_record rec = to_team_record(t);
      auto s = co_await store::async_seed_team(redis, ao, rec, false);
      if (!s) co_return std::unexpected(s.error());
    }
    // Last: a process that stopped half-way leaves the marker unset, and the next one finishes.
    auto m = co_await store::async_mark_team_defs_seeded(redis, opts);
    if (!m) co_return std::unexpected(m.error());
  }
  std::expected<void, core::error> ok;
  co_return ok;
}

std::expected<routing_state, std::string> load_routing(const store::redis_options& redis, const config::config& cfg,
                                                       std::chrono::milliseconds limit) {
  std::string bad_rules;  // set when the stored set does not parse: no retry helps then
  auto r = store::run_at_startup<routing_state>(
      redis, limit, [&](store::redis_client& c) -> awaitable<std::expected<routing_state, core::error>> {
        auto seeded = co_await async_seed_routing(c, cfg);
        if (!seeded) co_return std::unexpected(seeded.error());
        const auto opts = store_options(cfg.tenant);
        auto cur = co_await store::async_current_rules(c, opts);
        if (!cur) co_return std::unexpected(cur.error());
        auto defs = co_await store::async_team_defs(c, opts);
        if (!defs) co_return std::unexpected(defs.error());
        routing_state st;
        if (*cur) {
          auto rules = parse_stored_rules((*cur)->json);
          if (!rules) {
            bad_rules = "stored rules version " + std::to_string((*cur)->version) + ": " + rules.error().front();
            co_return st;  // ends the retries; reported below
          }
          st.version = (*cur)->version;
          st.rules = std::move(*rules);
        } else {
          st.rules = cfg.routing;
        }
        std::vector<std::string> problems;
        st.teams = parse_team_defs(*defs, &problems);
        for (const auto& p : problems) logging::warn("stored team skipped", {{"reason", p}});
        co_return st;
      });
  if (!bad_rules.empty()) return std::unexpected(bad_rules);
  if (!r) return std::unexpected(r.error().message);
  return std::move(*r);
}

rules_watcher::rules_watcher(store::redis_options redis, rules_watcher_options opts, std::shared_ptr<live_rules> live,
                             std::shared_ptr<assign_stage> stage)
    : redis_(std::move(redis)),
      opts_(std::move(opts)),
      live_(std::move(live)),
      stage_(std::move(stage)) {
  // A read that hangs ends well within one poll period.
  if (redis_.command_timeout > opts_.poll_interval) redis_.command_timeout = opts_.poll_interval;
  if (redis_.connect_timeout > opts_.poll_interval) redis_.connect_timeout = opts_.poll_interval;
}

rules_watcher::~rules_watcher() { stop(); }

void rules_watcher::start() {
  if (service_.started()) return;
  auto& ioc = service_.context();
  sub_ = store::redis_client::create(ioc, redis_);
  cmd_ = store::redis_client::create(ioc, redis_);
  // Subscribed first, then read: a change between the two is seen by the read. After a
  // reconnect the subscription is made again and the version read again (a notice published
  // while disconnected is not queued for us).
  sub_->subscribe(
      store::keys::rules_channel(opts_.tenant),
      [this](std::string) {
        check_ = true;  // a change notice (its payload is the version; the read is authoritative)
        loop_.wake();
      },
      [this] {
        listening_ = true;
        check_ = true;
        loop_.wake();
      });
  sub_->start();
  cmd_->start();
  check_ = true;
  loop_.start(run(), "rules watcher", nullptr);
  service_.start();
}

void rules_watcher::stop() {
  service_.stop(std::chrono::seconds(5), [this]() -> awaitable<void> {
    loop_.stop();
    co_await loop_.async_ended();
    sub_->stop();
    cmd_->stop();
  });
}

awaitable<bool> rules_watcher::refresh() {
  const auto so = store_options(opts_.tenant);
  auto v = co_await store::async_rules_version(*cmd_, so);
  if (!v) co_return false;
  if (*v == 0 || *v == live_->get().version) co_return true;  // nothing stored, or applied already
  auto cur = co_await store::async_current_rules(*cmd_, so);
  if (!cur) co_return false;
  if (!*cur) co_return true;
  const std::int64_t got = (*cur)->version;
  auto rules = parse_stored_rules((*cur)->json);
  if (!rules) {
    logging::error("stored rules do not parse; the applied version stays",
                   {{"version", std::to_string(got)}, {"reason", rules.error().front()},
                    {"applied", std::to_string(live_->get().version)}});
    // Remember it as seen, so the log is not repeated every poll; the next version is tried.
    live_->set(got, live_->get().rules);
    co_return true;
  }
  auto next = std::make_shared<const routing::rule_set>(std::move(*rules));
  if (stage_) stage_->set_rules(*next);
  live_->set(got, std::move(next));
  ++applied_;
  logging::info("routing rules applied", {{"version", std::to_string(got)}});
  co_return true;
}

awaitable<void> rules_watcher::run() {
  auto next_poll = std::chrono::steady_clock::now();
  while (!loop_.stopping()) {
    if (check_ || std::chrono::steady_clock::now() >= next_poll) {
      const bool fresh = check_;
      check_ = false;
      if (co_await refresh()) {
        if (listening_ && fresh) subscribed_ = true;
        next_poll = std::chrono::steady_clock::now() + opts_.poll_interval;
      } else {
        check_ = fresh;  // not read: try again at the next wake-up
        next_poll = std::chrono::steady_clock::now() + std::min(opts_.poll_interval, std::chrono::milliseconds(200));
      }
    }
    if (check_) continue;
    co_await loop_.pause_until(next_poll);
  }
}

}  // namespace lg::pipeline
