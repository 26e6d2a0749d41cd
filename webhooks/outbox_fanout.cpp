// See outbox_fanout.hpp.
#include "webhooks/outbox_fanout.hpp"
#include "core/json_text.hpp"

#include "core/error.hpp"
#include "logging/logging.hpp"
#include "store/keys.hpp"
#include "store/outbox.hpp"
#include "webhooks/delivery_policy.hpp"

#include <nlohmann/json.hpp>

namespace lg::webhooks {
namespace {

store::consumer_options consumer_options_of(const fanout_options& o) {
  // From "0": entries written before delivery was configured go out too.
  return {.stream = store::keys::outbox(o.tenant), .group = o.group, .consumer = o.consumer, .start = "0",
          .batch = o.batch, .block = o.block};
}

}  // namespace

std::shared_ptr<outbox_fanout> outbox_fanout::create(std::shared_ptr<store::redis_client> redis, fanout_options opts) {
  return std::shared_ptr<outbox_fanout>(new outbox_fanout(std::move(redis), std::move(opts)));
}

outbox_fanout::outbox_fanout(std::shared_ptr<store::redis_client> redis, fanout_options opts)
    : redis_(std::move(redis)),
      opts_(std::move(opts)),
      consumer_(*redis_, consumer_options_of(opts_)),
      loop_(redis_->context().get_executor()) {}

void outbox_fanout::start() { loop_.start(run(), "outbox fan-out", shared_from_this()); }

void outbox_fanout::stop() { loop_.stop(); }

awaitable<void> outbox_fanout::run() {
  bool have_group = false;
  // First what this consumer read before a restart and did not acknowledge, then new entries.
  bool backlog = true;
  while (!loop_.stopping()) {
    if (opts_.may_run && !opts_.may_run()) {
      backlog = true;  // a fan-out that held the lease before may have left entries pending
      co_await loop_.pause(std::chrono::milliseconds(200));
      continue;
    }
    if (!have_group) {
      have_group = static_cast<bool>(co_await consumer_.async_ensure_group());
      if (!have_group) {
        ++stats_.redis_errors;
        co_await loop_.pause(opts_.error_backoff);
        continue;
      }
    }
    auto entries = co_await consumer_.async_read(backlog);
    if (!entries) {
      ++stats_.redis_errors;
      have_group = false;  // made again (it may be gone with the stream)
      logging::warn("outbox fan-out: redis failed", {{"reason", entries.error().message}});
      co_await loop_.pause(opts_.error_backoff);
      continue;
    }
    if (entries->empty()) {
      backlog = false;
      continue;
    }
    if (!co_await handle(*entries)) {
      backlog = true;  // what stayed pending is read again from "0"
      co_await loop_.pause(opts_.error_backoff);
    }
  }
}

awaitable<bool> outbox_fanout::handle(const std::vector<store::stream_entry>& entries) {
  const auto now = opts_.clock->now_ms();
  for (const auto& e : entries) {
    // A pending entry trimmed from the outbox has no fields: nothing to copy, acknowledge it.
    const auto type = event_type(e.fields);
    nlohmann::json data = nlohmann::json::object();
    std::string contact;
    for (const auto& [k, v] : e.fields) {
      if (k == "type") continue;
      data[k] = v;
      if (k == "contact_id") contact = v;
    }
    std::vector<store::outbox_copy_target> targets;
    if (!e.fields.empty()) {
      for (const auto& route : opts_.routes)
        if (wants_event(route.events, type)) targets.push_back({route.destination, route.max_backlog, route.max_dead});
    }
    auto r = co_await store::async_copy_outbox_entry(
        *redis_, opts_.tenant, opts_.group, e.id, type,
        core::json_text(data), contact, now, std::move(targets));
    if (!r) {
      ++stats_.redis_errors;
      logging::warn("outbox fan-out: redis failed", {{"reason", r.error().message}});
      co_return false;  // the entry stays pending: read again from "0" after the pause
    }
    ++stats_.entries;
    stats_.copies += r->copied;
    stats_.overflow += r->dead;
  }
  co_return true;
}

}  // namespace lg::webhooks
