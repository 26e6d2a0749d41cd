// See rules_watcher.hpp.
#include "gateway/rules_watcher.hpp"

#include "store/assignments.hpp"
#include "store/keys.hpp"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <future>

namespace lg::gateway {
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

timeval to_timeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

struct context_deleter {
  void operator()(redisContext* c) const noexcept {
    if (c != nullptr) redisFree(c);
  }
};
using context_ptr = std::unique_ptr<redisContext, context_deleter>;

struct reply_deleter {
  void operator()(redisReply* r) const noexcept {
    if (r != nullptr) freeReplyObject(r);
  }
};
using reply_ptr = std::unique_ptr<redisReply, reply_deleter>;

reply_ptr command(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return reply_ptr(static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

// A blocking connection with AUTH (and SELECT), or null.
context_ptr connect(const store::redis_options& o) {
  const timeval tv = to_timeval(o.connect_timeout);
  context_ptr c(o.unix_socket.empty() ? redisConnectWithTimeout(o.host.c_str(), o.port, tv)
                                      : redisConnectUnixWithTimeout(o.unix_socket.c_str(), tv));
  if (!c || c->err) return nullptr;
  if (redisSetTimeout(c.get(), to_timeval(o.command_timeout)) != REDIS_OK) return nullptr;
  auto ok = [&](std::vector<std::string> args) {
    auto r = command(c.get(), args);
    return r && r->type != REDIS_REPLY_ERROR;
  };
  if (!o.password.empty()) {
    std::vector<std::string> auth{"AUTH"};
    if (!o.username.empty()) auth.push_back(o.username);
    auth.push_back(o.password);
    if (!ok(auth)) return nullptr;
  }
  if (o.db != 0 && !ok({"SELECT", std::to_string(o.db)})) return nullptr;
  return c;
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
  asio::io_context ioc;
  auto client = store::redis_client::create(ioc, redis);
  client->start();
  auto result = asio::co_spawn(
      ioc,
      [&]() -> awaitable<std::expected<routing_state, std::string>> {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        std::string last = "redis unavailable";
        while (std::chrono::steady_clock::now() < deadline) {
          auto seeded = co_await async_seed_routing(*client, cfg);
          if (seeded) {
            const auto opts = store_options(cfg.tenant);
            auto cur = co_await store::async_current_rules(*client, opts);
            auto defs = co_await store::async_team_defs(*client, opts);
            if (cur && defs) {
              client->stop();
              routing_state st;
              if (*cur) {
                auto rules = parse_stored_rules((*cur)->json);
                if (!rules) co_return std::unexpected("stored rules version " + std::to_string((*cur)->version) +
                                                      ": " + rules.error().front());
                st.version = (*cur)->version;
                st.rules = std::move(*rules);
              } else {
                st.rules = cfg.routing;
              }
              std::vector<std::string> problems;
              st.teams = parse_team_defs(*defs, &problems);
              for (const auto& p : problems) spdlog::warn("stored {}", p);
              co_return st;
            }
            last = !cur ? cur.error().message : defs.error().message;
          } else {
            last = seeded.error().message;
          }
          asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(200));
          co_await t.async_wait(asio::use_awaitable);
        }
        client->stop();
        co_return std::unexpected(last);
      },
      asio::use_future);
  ioc.run_for(limit + std::chrono::seconds(1));
  if (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    return std::unexpected(std::string("redis did not answer in time"));
  }
  return result.get();
}

rules_watcher::rules_watcher(store::redis_options redis, rules_watcher_options opts, std::shared_ptr<live_rules> live,
                             std::shared_ptr<assign_stage> stage)
    : redis_(std::move(redis)), opts_(std::move(opts)), live_(std::move(live)), stage_(std::move(stage)) {
  // Blocking calls on the watcher's connections end well within one poll period.
  if (redis_.command_timeout > opts_.poll_interval) redis_.command_timeout = opts_.poll_interval;
  if (redis_.connect_timeout > opts_.poll_interval) redis_.connect_timeout = opts_.poll_interval;
}

rules_watcher::~rules_watcher() { stop(); }

void rules_watcher::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void rules_watcher::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool rules_watcher::refresh(void* raw) {
  auto* c = static_cast<redisContext*>(raw);
  const std::string key = store::keys::rules(opts_.tenant);
  auto v = command(c, {"HGET", key, "v"});
  if (!v) return false;
  if (v->type != REDIS_REPLY_STRING) return true;  // nothing stored yet
  const std::int64_t version = std::strtoll(v->str, nullptr, 10);
  if (version == live_->get().version) return true;
  auto body = command(c, {"HMGET", key, "v", "json"});
  if (!body) return false;
  if (body->type != REDIS_REPLY_ARRAY || body->elements != 2 || body->element[0]->type != REDIS_REPLY_STRING ||
      body->element[1]->type != REDIS_REPLY_STRING) {
    return true;
  }
  const std::int64_t got = std::strtoll(body->element[0]->str, nullptr, 10);
  auto rules = parse_stored_rules(std::string_view(body->element[1]->str, body->element[1]->len));
  if (!rules) {
    spdlog::error("rules version {} does not parse ({}); keeping version {}", got, rules.error().front(),
                  live_->get().version);
    // Remember it as seen, so the log is not repeated every poll; the next version is tried.
    live_->set(got, live_->get().rules);
    return true;
  }
  auto next = std::make_shared<const routing::rule_set>(std::move(*rules));
  if (stage_) stage_->set_rules(*next);
  live_->set(got, std::move(next));
  ++applied_;
  spdlog::info("routing rules version {} applied", got);
  return true;
}

void rules_watcher::run() {
  const std::string channel = store::keys::rules_channel(opts_.tenant);
  while (!stop_) {
    context_ptr sub = connect(redis_);
    context_ptr cmd = sub ? connect(redis_) : nullptr;
    reply_ptr subscribed = cmd ? command(sub.get(), {"SUBSCRIBE", channel}) : nullptr;
    if (!subscribed) {
      spdlog::warn("rules watcher: cannot reach redis; retrying");
      for (auto waited = std::chrono::milliseconds(0); !stop_ && waited < opts_.reconnect_delay;
           waited += opts_.wait_step) {
        std::this_thread::sleep_for(opts_.wait_step);
      }
      continue;
    }
    // Subscribed first, then read: a change between the two is seen by the read.
    bool check = true;
    auto next_poll = std::chrono::steady_clock::now();
    while (!stop_) {
      if (check || std::chrono::steady_clock::now() >= next_poll) {
        if (!refresh(cmd.get())) break;
        subscribed_ = true;
        check = false;
        next_poll = std::chrono::steady_clock::now() + opts_.poll_interval;
      }
      pollfd p{sub->fd, POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(opts_.wait_step.count()));
      if (n < 0) continue;  // EINTR
      if (n == 0) continue;
      if (redisBufferRead(sub.get()) != REDIS_OK) break;
      void* reply = nullptr;
      bool failed = false;
      while (true) {
        if (redisGetReplyFromReader(sub.get(), &reply) != REDIS_OK) {
          failed = true;
          break;
        }
        if (reply == nullptr) break;
        reply_ptr owned(static_cast<redisReply*>(reply));
        check = true;  // a change notice (its payload is the version; the read is authoritative)
      }
      if (failed) break;
    }
    subscribed_ = false;
    if (!stop_) spdlog::warn("rules watcher: redis connection lost; reconnecting");
  }
}

}  // namespace lg::gateway
