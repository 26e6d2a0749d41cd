// See delivery.hpp. The loop: due retries first (the heads whose time has come), then new
// entries from the destination stream; when neither had work, a short idle wait. What becomes
// of an attempt is delivery_policy's decide(); every change of an entry is one typed step of
// store::delivery_queue.
#include "webhooks/delivery.hpp"

#include "core/error.hpp"
#include "logging/logging.hpp"
#include "runtime/spawn.hpp"
#include "store/stream_consumer.hpp"

#include <random>
#include <unordered_set>

namespace lg::webhooks {
namespace {

using std::chrono::milliseconds;

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

delivery_item item_of(const store::queued_delivery& e) {
  delivery_item item;
  item.id = e.id;
  item.type = e.type;
  item.contact = e.contact;
  item.at_ms = e.at_ms;
  item.data = e.data;
  item.attempt = e.attempts + 1;
  return item;
}

}  // namespace

std::shared_ptr<destination_worker> destination_worker::create(std::shared_ptr<store::redis_client> redis,
                                                               std::unique_ptr<connector> conn,
                                                               destination_options opts) {
  return std::shared_ptr<destination_worker>(new destination_worker(std::move(redis), std::move(conn), std::move(opts)));
}

destination_worker::destination_worker(std::shared_ptr<store::redis_client> redis, std::unique_ptr<connector> conn,
                                       destination_options opts)
    : redis_(std::move(redis)),
      conn_(std::move(conn)),
      opts_(std::move(opts)),
      queue_(*redis_, opts_.tenant, opts_.id),
      breaker_(opts_.breaker),
      loop_(redis_->context().get_executor()) {
  if (!opts_.random) {
    auto gen = std::make_shared<std::mt19937_64>(std::random_device{}());
    opts_.random = [gen] { return std::uniform_real_distribution<double>(0.0, 1.0)(*gen); };
  }
  if (opts_.batch == 0) opts_.batch = 1;
  if (opts_.clock == nullptr) opts_.clock = &core::real_time();
}

void destination_worker::start() { loop_.start(run(), "delivery to " + opts_.id, shared_from_this()); }

void destination_worker::stop() { loop_.stop(); }

bool destination_worker::stepped(const std::expected<void, core::error>& r) {
  if (r) return true;
  ++stats_.redis_errors;
  redis_failed_ = true;  // the loop pauses after this round (lanes share the timer)
  logging::warn("delivery: redis failed", {{"destination", opts_.id}, {"reason", r.error().message}});
  return false;
}

void destination_worker::note_breaker(breaker_state before) {
  const auto now = breaker_.state();
  breaker_state_ = now;
  if (now == before) return;
  if (before == breaker_state::half_open && now == breaker_state::closed) wake_ = true;
  logging::warn("delivery: breaker changed", {{"destination", opts_.id}, {"state", to_string(now)}});
  auto note = [](std::shared_ptr<destination_worker> self, std::string state) -> awaitable<void> {
    co_await self->queue_.async_note_breaker(std::move(state), self->opts_.clock->now_ms(), self->breaker_.times_opened());
  };
  runtime::spawn_logged(redis_->context().get_executor(), note(shared_from_this(), std::string(to_string(now))),
                        "breaker state of " + opts_.id);
}

bool destination_worker::may_attempt() {
  if (!may_run()) return false;
  const auto before = breaker_.state();
  const bool allowed = breaker_.allow(opts_.clock->now());
  note_breaker(before);
  return allowed;
}

awaitable<void> destination_worker::run() {
  while (!loop_.stopping()) {
    ++stats_.rounds;
    if (!may_run()) {
      co_await loop_.pause(std::max(opts_.idle_poll, milliseconds(200)));
      continue;
    }
    const auto now = opts_.clock->now();
    if (breaker_.state() == breaker_state::open && now < breaker_.reopen_at()) {
      // Looked at again soon: the time it opens is the clock's, which a test may move.
      co_await loop_.pause(std::min(std::chrono::duration_cast<milliseconds>(breaker_.reopen_at() - now) + milliseconds(1),
                              std::max(opts_.idle_poll, milliseconds(10))));
      continue;
    }
    if (wake_) {
      wake_ = false;
      auto woken = co_await queue_.async_wake(to_ms(now), 100000);
      if (!woken) stepped(std::unexpected(woken.error()));
    }
    bool worked = co_await run_due();
    if (!loop_.stopping()) worked = (co_await run_new()) || worked;
    if (redis_failed_) {
      redis_failed_ = false;
      co_await loop_.pause(opts_.error_backoff);
    } else if (!worked) {
      co_await loop_.pause(opts_.idle_poll);
    }
  }
}

awaitable<attempt_result> destination_worker::attempt(const delivery_item& item) {
  if (opts_.rate_limit_per_s > 0) {
    const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / opts_.rate_limit_per_s));
    const auto now = std::chrono::steady_clock::now();
    if (next_slot_ > now) {
      // Its own timer: lanes may wait for their slots at the same time.
      asio::steady_timer slot(co_await asio::this_coro::executor, next_slot_);
      boost::system::error_code ec;
      co_await slot.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    next_slot_ = std::max(next_slot_, now) + interval;
  }
  ++stats_.attempts;
  attempt_result res;
  try {
    res = co_await conn_->async_deliver(item);
  } catch (const std::exception& e) {
    res = attempt_result{};
    res.kind = attempt_kind::retry;
    res.error = std::string("connector failed: ") + e.what();
  }
  // The breaker counts every answer: a retryable failure opens it, anything else closes it.
  const auto before = breaker_.state();
  healthy_ = res.kind != attempt_kind::retry;
  if (res.kind == attempt_kind::retry) {
    ++stats_.failures;
    breaker_.on_failure(opts_.clock->now());
  } else {
    breaker_.on_success();
  }
  note_breaker(before);
  co_return res;
}

awaitable<bool> destination_worker::attempt_and_settle(store::queued_delivery& e,
                                                       std::unordered_set<std::string>* blocked) {
  const auto res = co_await attempt(item_of(e));
  ++e.attempts;
  const auto now = opts_.clock->now();
  const auto v = decide(res, e.attempts, opts_.retry, now, opts_.random);
  switch (v.kind) {
    case delivery_verdict::delivered:
      ++stats_.delivered;
      co_return stepped(co_await queue_.async_delivered(e, res.status, to_ms(now)));
    case delivery_verdict::dead:
      ++stats_.dead;
      co_return stepped(co_await queue_.async_dead(e, res.status, res.reply, v.reason, to_ms(now), opts_.max_dead));
    case delivery_verdict::retry:
      break;
  }
  if (e.stream_id.empty()) co_return stepped(co_await queue_.async_retry(e, to_ms(v.retry_at), res.status, v.reason, to_ms(now)));
  // A new entry that failed becomes its contact's head: the contact's later entries queue behind.
  if (blocked) blocked->insert(e.contact);
  auto parked = co_await queue_.async_park(e, to_ms(v.retry_at), res.status, v.reason, to_ms(now));
  co_return stepped(parked ? std::expected<void, core::error>{} : std::unexpected(parked.error()));
}

awaitable<bool> destination_worker::run_due() {
  auto due = co_await queue_.async_due(opts_.clock->now_ms(), opts_.batch);
  if (!due) {
    stepped(std::unexpected(due.error()));
    co_return false;
  }
  bool worked = false;
  for (auto& e : *due) {
    if (loop_.stopping()) break;
    if (e.unreadable) {
      // A head without a readable entry: dead-lettered as it is, so its contact moves on.
      stepped(co_await queue_.async_dead(e, 0, "", "unreadable parked entry", opts_.clock->now_ms(), opts_.max_dead));
      continue;
    }
    if (!may_attempt()) break;
    worked = true;
    if (!co_await attempt_and_settle(e, nullptr)) break;
  }
  co_return worked;
}

awaitable<bool> destination_worker::run_new() {
  auto rows = co_await queue_.async_new(opts_.batch);
  if (!rows) {
    stepped(std::unexpected(rows.error()));
    co_return false;
  }
  if (rows->empty()) co_return false;
  std::vector<std::string> contacts;
  for (const auto& e : *rows) contacts.push_back(e.contact);
  auto held = co_await queue_.async_held(std::move(contacts));
  if (!held) {
    stepped(std::unexpected(held.error()));
    co_return false;
  }
  std::unordered_set<std::string> blocked;
  for (std::size_t i = 0; i < rows->size(); ++i)
    if ((*held)[i]) blocked.insert((*rows)[i].contact);

  bool worked = false;
  // Lanes only while the destination answers: after a retryable failure (and from the start)
  // one attempt at a time, so a destination that is down sees the breaker's N failures and one
  // half-open probe, not a burst; the first success opens the lanes again.
  const std::size_t lanes = healthy_ ? std::min(std::max<std::size_t>(opts_.concurrency, 1), rows->size()) : 1;
  // Lanes by contact: one contact's entries share a lane and keep their stream order; a lane
  // stops at its first "stop" (breaker open, lease gone, Redis error) and the rest of its
  // entries stay in the stream for the next round. Each contact lives in one lane only, so
  // `blocked` is never touched for one contact by two lanes.
  std::vector<std::vector<store::queued_delivery*>> lane_rows(lanes);
  const std::hash<std::string> hash;
  for (auto& e : *rows) lane_rows[lanes == 1 ? 0 : hash(e.contact) % lanes].push_back(&e);
  co_await store::async_fan_out(
      lanes,
      [&](std::size_t k) -> awaitable<void> {
        for (auto* e : lane_rows[k]) {
          if (loop_.stopping()) break;
          if (!co_await deliver_new(*e, blocked, worked)) break;
        }
      },
      [&](std::size_t, std::exception_ptr ep) {
        logging::error("delivery lane failed", {{"destination", opts_.id}, {"reason", core::exception_text(ep)}});
      });
  co_return worked;
}

awaitable<bool> destination_worker::deliver_new(store::queued_delivery& e, std::unordered_set<std::string>& blocked,
                                                bool& worked) {
  if (blocked.contains(e.contact)) {
    // Behind its contact's parked head: queued there without an attempt.
    const auto now = opts_.clock->now_ms();
    auto parked = co_await queue_.async_park(e, now, 0, "", now);
    if (!stepped(parked ? std::expected<void, core::error>{} : std::unexpected(parked.error()))) co_return false;
    worked = true;
    co_return true;
  }
  if (!may_attempt()) co_return false;
  worked = true;
  co_return co_await attempt_and_settle(e, &blocked);
}

}  // namespace lg::webhooks
