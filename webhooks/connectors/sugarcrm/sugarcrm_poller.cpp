// See sugarcrm_poller.hpp.
#include "webhooks/connectors/sugarcrm/sugarcrm_poller.hpp"
#include "core/percent.hpp"

#include "core/time_format.hpp"
#include "logging/logging.hpp"

#include "store/sync_state.hpp"
#include "webhooks/connectors/sugarcrm/sugarcrm_mapping.hpp"
#include "http/url.hpp"

#include <nlohmann/json.hpp>

namespace lg::webhooks::sugarcrm {

namespace http = boost::beast::http;

std::shared_ptr<poller> poller::create(std::shared_ptr<client> session, std::shared_ptr<store::redis_client> redis,
                                       clock_fn clock) {
  return std::shared_ptr<poller>(new poller(std::move(session), std::move(redis), std::move(clock)));
}

poller::poller(std::shared_ptr<client> session, std::shared_ptr<store::redis_client> redis, clock_fn clock)
    : session_(std::move(session)),
      redis_(std::move(redis)),
      clock_(std::move(clock)),
      loop_(redis_->context().get_executor()) {}

awaitable<std::expected<void, core::error>> async_poke(store::redis_client& redis, std::string tenant,
                                                      std::string destination) {
  co_return co_await store::async_sync_poke(redis, std::move(tenant), std::move(destination));
}

awaitable<std::expected<pull_stats, core::error>> poller::async_run_once() {
  const auto& o = session_->settings();
  pull_stats stats;
  auto cursor = co_await store::async_sync_cursor(*redis_, o.tenant, o.destination);
  if (!cursor) co_return std::unexpected(cursor.error());
  std::string from = cursor->raw.empty() ? std::string("1970-01-01T00:00:00+00:00") : cursor->raw;
  long long offset = 0;
  // A lease lost meanwhile (may_run) ends the run at the next page; the new holder goes on
  // from the cursor this run has moved.
  while (stats.pages < o.max_pages && (stats.pages == 0 || !may_run_ || may_run_())) {
    std::string path = o.module + "?filter%5B0%5D%5Bdate_modified%5D%5B%24gte%5D=" + core::percent_encode(from) +
                       "&order_by=date_modified%3AASC&max_num=" + std::to_string(o.page_size) +
                       "&fields=id%2Cdate_modified%2Cmodified_user_id%2Cstatus%2Cassigned_user_id%2Cfirst_name%2C"
                       "last_name%2Cphone_mobile%2Cdeleted&deleted=true&offset=" + std::to_string(offset);
    auto reply = co_await session_->async_call(http::verb::get, std::move(path), std::string());
    if (!reply) co_return std::unexpected(reply.error());
    if (reply->status / 100 != 2)
      co_return std::unexpected(core::make_error(core::errc::unavailable,
                                                 "pull answered HTTP " + std::to_string(reply->status)));
    auto page = nlohmann::json::parse(reply->body, nullptr, false);
    if (!page.is_object() || !page.contains("records") || !page["records"].is_array() ||
        !page.contains("next_offset") || !page["next_offset"].is_number_integer())
      co_return std::unexpected(core::make_error(core::errc::unavailable, "pull: malformed reply"));
    ++stats.pages;
    std::string moved_to;  // the cursor's new value, when a record moved it
    for (const auto& r : page["records"]) {
      store::pulled_record rec;
      rec.record_id = string_member(r, "id");
      rec.modified_raw = string_member(r, "date_modified");
      const auto when = core::parse_rfc3339(rec.modified_raw);
      if (rec.record_id.empty() || !when) {
        // Cannot be ordered against the cursor; skipped with a trace rather than stopping the sync.
        logging::warn("sugarcrm: pulled record without id or date_modified skipped", {{"destination", o.destination}});
        ++stats.skipped;
        continue;
      }
      rec.modified_s = *when;
      const std::string modified = rec.modified_raw;
      rec.modified_user = string_member(r, "modified_user_id");
      rec.fingerprint = fingerprint(o, r);
      rec.status = string_member(r, o.crm_field("status"));
      rec.assigned_user = string_member(r, o.crm_field("assigned_user"));
      rec.deleted = deleted_flag(r);
      const auto now_ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
              .count();
      auto check = co_await store::async_sync_pulled(*redis_, o.tenant, o.destination, rec, false, now_ms / 1000,
                                                      o.timeline_cap);
      if (!check) co_return std::unexpected(check.error());
      if ((check->verdict == "change" || check->verdict == "deleted") && check->closing && !check->event_id.empty()) {
        store::assign_options ao;
        ao.tenant = o.tenant;
        ao.timeline_cap = o.timeline_cap;
        const auto now = clock_ ? clock_(now_ms) : store::clock_point{now_ms, 0, 1};
        // A named local, not a temporary in the co_await's arguments (GCC 12 frees those twice).
        const std::string reason = check->verdict == "deleted" ? std::string("crm:deleted") : "crm:" + rec.status;
        auto released = co_await store::async_release(*redis_, ao, check->event_id, reason, now, std::string());
        if (!released && released.error().code != core::errc::not_found) co_return std::unexpected(released.error());
        ++stats.closed;
      }
      auto applied = co_await store::async_sync_pulled(*redis_, o.tenant, o.destination, std::move(rec), true,
                                                        now_ms / 1000, o.timeline_cap);
      if (!applied) co_return std::unexpected(applied.error());
      const auto& v = applied->verdict;
      if (!applied->moved_to.empty()) ++stats.moved;
      if (v == "change") ++stats.applied;
      else if (v == "deleted") ++stats.deleted;
      else if (v == "echo") ++stats.echoes;
      else ++stats.skipped;
      if (v != "old" && v != "dup" && modified != from) moved_to = modified;
    }
    const auto next = page["next_offset"].get<long long>();
    if (next < 0) break;
    if (!moved_to.empty()) {
      // The cursor moved: ask again from it (ties at it are known and skipped).
      from = moved_to;
      offset = 0;
    } else {
      offset = next;
    }
  }
  co_return stats;
}

void poller::start() { loop_.start(run(), "sugarcrm pull", shared_from_this()); }

void poller::stop() { loop_.stop(); }

awaitable<void> poller::run() {
  const auto& o = session_->settings();
  auto next_run = std::chrono::steady_clock::now();
  while (!loop_.stopping()) {
    ++rounds_;
    const bool may = !may_run_ || may_run_();
    bool due = false;
    if (may) {
      // A poke is taken whether or not the interval is up: the run it asks for is this one.
      auto poked = co_await store::async_sync_take_poke(*redis_, o.tenant, o.destination);
      due = (poked && *poked) || std::chrono::steady_clock::now() >= next_run;
    }
    if (due) {
      auto r = co_await async_run_once();
      ++runs_;
      if (!r) logging::warn("sugarcrm pull failed", {{"destination", o.destination}, {"reason", r.error().message}});
      next_run = std::chrono::steady_clock::now() + o.poll_interval;
    }
    co_await loop_.pause(o.poke_check);
  }
}

}  // namespace lg::webhooks::sugarcrm
