// See outbox_fanout.hpp.
#include "webhooks/outbox_fanout.hpp"

#include "core/error.hpp"
#include "outbox_copy.hpp"
#include "store/keys.hpp"
#include "store/lua_script.hpp"
#include "webhooks/delivery_policy.hpp"

#include <nlohmann/json.hpp>

namespace lg::webhooks {
namespace {

const store::lua_script& fanout_script() {
  static const store::lua_script script{store::lua::outbox_copy};
  return script;
}

}  // namespace

std::shared_ptr<outbox_fanout> outbox_fanout::create(std::shared_ptr<store::redis_client> redis, fanout_options opts) {
  return std::shared_ptr<outbox_fanout>(new outbox_fanout(std::move(redis), std::move(opts)));
}

outbox_fanout::outbox_fanout(std::shared_ptr<store::redis_client> redis, fanout_options opts)
    : redis_(std::move(redis)), opts_(std::move(opts)), k_outbox_(store::keys::outbox(opts_.tenant)) {}

void outbox_fanout::start() {
  if (running_.exchange(true)) return;
  stop_ = false;
  auto self = shared_from_this();
  asio::co_spawn(redis_->context(), [self]() { return self->run(); }, [self](std::exception_ptr e) {
    if (e && self->opts_.log) self->opts_.log("outbox fan-out ended: " + core::exception_text(e));
    self->running_ = false;
  });
}

void outbox_fanout::stop() { stop_ = true; }

awaitable<void> outbox_fanout::pause(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

awaitable<bool> outbox_fanout::ensure_group() {
  // From the start of the outbox: entries written before delivery was configured go out too.
  std::vector<std::string> cmd{"XGROUP", "CREATE", k_outbox_, opts_.group, "0", "MKSTREAM"};
  auto r = co_await redis_->async_exec(std::move(cmd));
  if (!r) co_return false;
  co_return !r->is_error() || r->str.starts_with("BUSYGROUP");
}

awaitable<void> outbox_fanout::run() {
  bool have_group = false;
  // First what this consumer read before a restart and did not acknowledge, then new entries.
  bool backlog = true;
  while (!stop_) {
    if (opts_.may_run && !opts_.may_run()) {
      backlog = true;  // a fan-out that held the lease before may have left entries pending
      co_await pause(std::chrono::milliseconds(200));
      continue;
    }
    if (!have_group) {
      have_group = co_await ensure_group();
      if (!have_group) {
        ++stats_.redis_errors;
        co_await pause(opts_.error_backoff);
        continue;
      }
    }
    std::vector<std::string> cmd{"XREADGROUP", "GROUP", opts_.group, opts_.consumer, "COUNT",
                                 std::to_string(opts_.batch)};
    if (!backlog) {
      cmd.push_back("BLOCK");
      cmd.push_back(std::to_string(opts_.block.count()));
    }
    cmd.push_back("STREAMS");
    cmd.push_back(k_outbox_);
    cmd.push_back(backlog ? "0" : ">");
    auto r = co_await redis_->async_exec(std::move(cmd));
    if (!r || r->is_error()) {
      ++stats_.redis_errors;
      if (r && r->str.starts_with("NOGROUP")) have_group = false;
      if (opts_.log) opts_.log("outbox fan-out: redis: " + (r ? r->str : r.error().message));
      co_await pause(opts_.error_backoff);
      continue;
    }
    // [[stream, [[id, fields], …]]] or nil when BLOCK timed out.
    if (r->is_nil() || r->elements.empty() || r->elements[0].elements.size() != 2) {
      backlog = false;
      continue;
    }
    const auto& entries = r->elements[0].elements[1];
    if (entries.elements.empty()) {
      backlog = false;
      continue;
    }
    if (!co_await handle(entries)) {
      backlog = true;  // what stayed pending is read again from "0"
      co_await pause(opts_.error_backoff);
    }
  }
  running_ = false;
}

awaitable<bool> outbox_fanout::handle(const store::redis_reply& entries) {
  const auto now = std::to_string(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  for (const auto& e : entries.elements) {
    if (e.elements.size() != 2) continue;
    const auto& id = e.elements[0].str;
    std::vector<std::pair<std::string, std::string>> fields;
    for (std::size_t i = 0; i + 1 < e.elements[1].elements.size(); i += 2)
      fields.emplace_back(e.elements[1].elements[i].str, e.elements[1].elements[i + 1].str);
    // A pending entry trimmed from the outbox has no fields: nothing to copy, acknowledge it.
    const auto type = event_type(fields);
    nlohmann::json data = nlohmann::json::object();
    std::string contact;
    for (const auto& [k, v] : fields) {
      if (k == "type") continue;
      data[k] = v;
      if (k == "contact_id") contact = v;
    }
    std::vector<std::string> keys{k_outbox_};
    std::vector<std::string> args{opts_.group, id, type,
                                  data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), contact, now};
    if (!fields.empty()) {
      for (const auto& route : opts_.routes) {
        if (!wants_event(route.events, type)) continue;
        keys.push_back(store::keys::destination_stream(opts_.tenant, route.destination));
        keys.push_back(store::keys::dead_letters(opts_.tenant, route.destination));
        args.push_back(std::to_string(route.max_backlog));
        args.push_back(std::to_string(route.max_dead));
      }
    }
    auto r = co_await fanout_script().async_run(*redis_, std::move(keys), std::move(args));
    if (!r || r->is_error() || r->elements.size() != 2) {
      ++stats_.redis_errors;
      if (opts_.log) opts_.log("outbox fan-out: redis: " + (r ? r->str : r.error().message));
      co_return false;  // the entry stays pending: read again from "0" after the pause
    }
    ++stats_.entries;
    stats_.copies += static_cast<std::uint64_t>(r->elements[0].integer);
    stats_.overflow += static_cast<std::uint64_t>(r->elements[1].integer);
  }
  co_return true;
}

}  // namespace lg::webhooks
