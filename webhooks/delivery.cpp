// See delivery.hpp. The loop: due retries first (the heads whose time has come), then new
// entries from the destination stream; when neither had work, a short idle wait. Every state
// change is one outbox_step.lua call.
#include "webhooks/delivery.hpp"

#include "core/error.hpp"
#include "outbox_step.hpp"
#include "store/keys.hpp"
#include "store/lua_script.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <random>
#include <unordered_set>

namespace lg::webhooks {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

const store::lua_script& step_script() {
  static const store::lua_script script{store::lua::outbox_step};
  return script;
}

std::int64_t to_ms(system_clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}

// The milliseconds part of a stream id "<ms>-<seq>"; 0 when it is not one.
std::int64_t id_ms(std::string_view id) {
  std::int64_t v = 0;
  const auto dash = id.find('-');
  const auto part = id.substr(0, dash);
  const auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
  return ec == std::errc{} && p == part.data() + part.size() ? v : 0;
}

std::string entry_json(const delivery_item& item, unsigned attempts) {
  return nlohmann::json{{"id", item.id}, {"type", item.type}, {"data", item.data},
                        {"c", item.contact}, {"n", attempts}, {"at", item.at_ms}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string describe(const attempt_result& r) {
  if (r.status != 0) return "HTTP " + std::to_string(r.status);
  return r.error.empty() ? std::string("no reply") : r.error;
}

}  // namespace

std::shared_ptr<destination_worker> destination_worker::create(std::shared_ptr<store::redis_client> redis,
                                                               std::unique_ptr<connector> conn,
                                                               destination_options opts) {
  return std::shared_ptr<destination_worker>(new destination_worker(std::move(redis), std::move(conn), std::move(opts)));
}

destination_worker::destination_worker(std::shared_ptr<store::redis_client> redis, std::unique_ptr<connector> conn,
                                       destination_options opts)
    : redis_(std::move(redis)), conn_(std::move(conn)), opts_(std::move(opts)), breaker_(opts_.breaker) {
  if (!opts_.random) {
    auto gen = std::make_shared<std::mt19937_64>(std::random_device{}());
    opts_.random = [gen] { return std::uniform_real_distribution<double>(0.0, 1.0)(*gen); };
  }
  if (opts_.batch == 0) opts_.batch = 1;
  const auto& t = opts_.tenant;
  const auto& d = opts_.id;
  k_stream_ = store::keys::destination_stream(t, d);
  k_parked_ = store::keys::delivery_parked(t, d);
  k_retry_ = store::keys::delivery_retry(t, d);
  k_hold_ = store::keys::delivery_hold(t, d);
  k_state_ = store::keys::delivery_state(t, d);
  k_dead_ = store::keys::dead_letters(t, d);
  holdq_ = store::keys::delivery_hold_queue_prefix(t, d);
}

void destination_worker::start() {
  if (running_.exchange(true)) return;
  stop_ = false;
  auto self = shared_from_this();
  asio::co_spawn(redis_->context(), [self]() { return self->run(); }, [self](std::exception_ptr e) {
    if (e && self->opts_.log) self->opts_.log("delivery loop ended: " + core::exception_text(e));
    self->running_ = false;
  });
}

void destination_worker::stop() {
  stop_ = true;
  if (timer_) timer_->cancel();
}

awaitable<void> destination_worker::pause(milliseconds d) {
  if (stop_) co_return;
  if (!timer_) timer_ = std::make_unique<asio::steady_timer>(co_await asio::this_coro::executor);
  timer_->expires_after(d);
  boost::system::error_code ec;
  co_await timer_->async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

void destination_worker::note_breaker(breaker_state before) {
  const auto now = breaker_.state();
  breaker_state_ = now;
  if (now == before) return;
  if (before == breaker_state::half_open && now == breaker_state::closed) wake_ = true;
  if (opts_.log) opts_.log("destination " + opts_.id + ": breaker " + std::string(to_string(now)));
  std::vector<std::string> cmd{"HSET", k_state_, "breaker", std::string(to_string(now)), "breaker_since",
                               std::to_string(to_ms(system_clock::now())), "breaker_opened",
                               std::to_string(breaker_.times_opened())};
  redis_->exec(std::move(cmd), [](std::expected<store::redis_reply, core::error>) {});
}

awaitable<void> destination_worker::run() {
  while (!stop_) {
    if (!may_run()) {
      co_await pause(std::max(opts_.idle_poll, milliseconds(200)));
      continue;
    }
    const auto now = system_clock::now();
    if (breaker_.state() == breaker_state::open && now < breaker_.reopen_at()) {
      co_await pause(std::min(std::chrono::duration_cast<milliseconds>(breaker_.reopen_at() - now) + milliseconds(1),
                              milliseconds(1000)));
      continue;
    }
    if (wake_) {
      wake_ = false;
      std::vector<std::string> args{"wake", holdq_, std::to_string(to_ms(now)), "100000"};
      co_await step(std::move(args));
    }
    bool worked = co_await run_due();
    if (!stop_) worked = (co_await run_new()) || worked;
    if (redis_failed_) {
      redis_failed_ = false;
      co_await pause(opts_.error_backoff);
    } else if (!worked) {
      co_await pause(opts_.idle_poll);
    }
  }
  running_ = false;
}

awaitable<bool> destination_worker::step(std::vector<std::string> args) {
  std::vector<std::string> keys{k_stream_, k_parked_, k_retry_, k_hold_, k_state_, k_dead_};
  auto r = co_await step_script().async_run(*redis_, std::move(keys), std::move(args));
  if (r && !r->is_error()) co_return true;
  ++stats_.redis_errors;
  redis_failed_ = true;  // the loop pauses after this round (lanes share the timer)
  if (opts_.log) opts_.log("destination " + opts_.id + ": redis: " + (r ? r->str : r.error().message));
  co_return false;
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
    breaker_.on_failure(system_clock::now());
  } else {
    breaker_.on_success();
  }
  note_breaker(before);
  co_return res;
}

awaitable<bool> destination_worker::run_due() {
  const auto now = system_clock::now();
  std::vector<std::string> cmd{"ZRANGEBYSCORE", k_retry_, "-inf", std::to_string(to_ms(now)), "LIMIT", "0",
                               std::to_string(opts_.batch)};
  auto due = co_await redis_->async_exec(std::move(cmd));
  if (!due || !due->is_array()) {
    ++stats_.redis_errors;
    co_await pause(opts_.error_backoff);
    co_return false;
  }
  if (due->elements.empty()) co_return false;
  std::vector<std::string> ids;
  std::vector<std::string> get{"HMGET", k_parked_};
  for (const auto& e : due->elements) {
    ids.push_back(e.str);
    get.push_back(e.str);
  }
  auto entries = co_await redis_->async_exec(std::move(get));
  if (!entries || !entries->is_array() || entries->elements.size() != ids.size()) {
    ++stats_.redis_errors;
    co_await pause(opts_.error_backoff);
    co_return false;
  }
  bool worked = false;
  for (std::size_t i = 0; i < ids.size() && !stop_; ++i) {
    const auto& raw = entries->elements[i];
    auto j = nlohmann::json::parse(raw.str, nullptr, false);
    delivery_item item;
    unsigned made = 0;
    if (raw.is_nil() || !j.is_object()) {
      // A head without a readable entry: dead-lettered as it is, so its contact moves on.
      std::vector<std::string> args{"done", holdq_, std::to_string(to_ms(now)), ids[i],
                                    ids[i], "", "dead", raw.str, "0", "", "unreadable parked entry",
                                    "0", std::to_string(opts_.max_dead)};
      co_await step(std::move(args));
      continue;
    }
    item.id = j.value("id", ids[i]);
    item.type = j.value("type", std::string("lead.assigned"));
    item.data = j.value("data", std::string("{}"));
    item.contact = j.value("c", std::string());
    if (item.contact.empty()) item.contact = "id:" + item.id;
    item.at_ms = j.value("at", std::int64_t{0});
    made = j.value("n", 0u);
    item.attempt = made + 1;

    if (!may_run()) break;
    const auto before = breaker_.state();
    if (!breaker_.allow(system_clock::now())) {
      note_breaker(before);
      break;
    }
    note_breaker(before);
    worked = true;
    const auto res = co_await attempt(item);
    const auto t = system_clock::now();

    if (res.kind == attempt_kind::delivered) {
      ++stats_.delivered;
      std::vector<std::string> args{"done", holdq_, std::to_string(to_ms(t)), item.id, item.contact, "", "ok",
                                    "", std::to_string(res.status), "", "", std::to_string(item.attempt),
                                    std::to_string(opts_.max_dead)};
      co_await step(std::move(args));
      continue;
    }
    std::optional<system_clock::time_point> next;
    if (res.kind == attempt_kind::retry) next = next_attempt_at(opts_.retry, item.attempt, res.retry_after, t, opts_.random);
    if (!next) {
      ++stats_.dead;
      std::vector<std::string> args{"done", holdq_, std::to_string(to_ms(t)), item.id, item.contact, "", "dead",
                                    entry_json(item, item.attempt), std::to_string(res.status), res.reply,
                                    res.kind == attempt_kind::permanent ? "rejected: " + describe(res)
                                                                        : "attempts exhausted: " + describe(res),
                                    std::to_string(item.attempt), std::to_string(opts_.max_dead)};
      co_await step(std::move(args));
      continue;
    }
    std::vector<std::string> args{"retry", holdq_, std::to_string(to_ms(t)), item.id, entry_json(item, item.attempt),
                                  std::to_string(to_ms(*next)), std::to_string(res.status), describe(res)};
    co_await step(std::move(args));
  }
  co_return worked;
}

awaitable<bool> destination_worker::run_new() {
  std::vector<std::string> cmd{"XRANGE", k_stream_, "-", "+", "COUNT", std::to_string(opts_.batch)};
  auto r = co_await redis_->async_exec(std::move(cmd));
  if (!r || !r->is_array()) {
    ++stats_.redis_errors;
    co_await pause(opts_.error_backoff);
    co_return false;
  }
  if (r->elements.empty()) co_return false;

  std::vector<new_row> rows;
  std::vector<std::string> hget{"HMGET", k_hold_};
  for (const auto& e : r->elements) {
    if (e.elements.size() != 2) continue;
    new_row w;
    w.sid = e.elements[0].str;
    const auto& kv = e.elements[1].elements;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) {
      const auto& k = kv[i].str;
      if (k == "wid") w.item.id = kv[i + 1].str;
      else if (k == "type") w.item.type = kv[i + 1].str;
      else if (k == "data") w.item.data = kv[i + 1].str;
      else if (k == "c") w.item.contact = kv[i + 1].str;
    }
    if (w.item.id.empty()) w.item.id = w.sid;
    if (w.item.type.empty()) w.item.type = "lead.assigned";
    if (w.item.data.empty()) w.item.data = "{}";
    if (w.item.contact.empty()) w.item.contact = "id:" + w.item.id;  // no contact: no order to keep
    w.item.at_ms = id_ms(w.item.id);
    hget.push_back(w.item.contact);
    rows.push_back(std::move(w));
  }
  if (rows.empty()) co_return false;
  auto held = co_await redis_->async_exec(std::move(hget));
  if (!held || !held->is_array() || held->elements.size() != rows.size()) {
    ++stats_.redis_errors;
    co_await pause(opts_.error_backoff);
    co_return false;
  }
  std::unordered_set<std::string> blocked;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (!held->elements[i].is_nil()) blocked.insert(rows[i].item.contact);

  bool worked = false;
  // Lanes only while the destination answers: after a retryable failure (and from the start)
  // one attempt at a time, so a destination that is down sees the breaker's N failures and one
  // half-open probe, not a burst; the first success opens the lanes again.
  const std::size_t lanes = healthy_ ? std::min(std::max<std::size_t>(opts_.concurrency, 1), rows.size()) : 1;
  if (lanes == 1) {
    for (auto& w : rows) {
      if (stop_) break;
      if (!co_await deliver_new(w, blocked, worked)) break;
    }
    co_return worked;
  }
  // Lanes by contact: one contact's entries share a lane and keep their stream order; a lane
  // stops at its first "stop" (breaker open, lease gone, Redis error) and the rest of its
  // entries stay in the stream for the next round. Each row's contact lives in one lane only,
  // so `blocked` is never touched for one contact by two lanes.
  std::vector<std::vector<new_row*>> lane_rows(lanes);
  const std::hash<std::string> hash;
  for (auto& w : rows) lane_rows[hash(w.item.contact) % lanes].push_back(&w);
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
  std::size_t remaining = lanes;
  for (std::size_t k = 0; k < lanes; ++k) {
    asio::co_spawn(
        ex,
        [&, k]() -> awaitable<void> {
          for (auto* w : lane_rows[k]) {
            if (stop_) break;
            if (!co_await deliver_new(*w, blocked, worked)) break;
          }
        },
        [&](std::exception_ptr ep) {
          if (ep && opts_.log) {
            try {
              std::rethrow_exception(ep);
            } catch (const std::exception& e) {
              opts_.log("destination " + opts_.id + ": lane failed: " + e.what());
            } catch (...) {
              opts_.log("destination " + opts_.id + ": lane failed");
            }
          }
          if (--remaining == 0) all_done.cancel();
        });
  }
  while (remaining > 0) {
    boost::system::error_code ec;
    co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return worked;
}

awaitable<bool> destination_worker::deliver_new(new_row& w, std::unordered_set<std::string>& blocked, bool& worked) {
  auto& item = w.item;
  const auto now = system_clock::now();
  if (blocked.contains(item.contact)) {
    // Behind its contact's parked head: queued there without an attempt.
    std::vector<std::string> args{"park", holdq_, std::to_string(to_ms(now)), item.id, item.contact, w.sid,
                                  entry_json(item, 0), std::to_string(to_ms(now)), "", ""};
    if (!co_await step(std::move(args))) co_return false;
    worked = true;
    co_return true;
  }
  if (!may_run()) co_return false;
  const auto before = breaker_.state();
  if (!breaker_.allow(now)) {
    note_breaker(before);
    co_return false;
  }
  note_breaker(before);
  worked = true;
  item.attempt = 1;
  const auto res = co_await attempt(item);
  const auto t = system_clock::now();

  std::optional<system_clock::time_point> next;
  if (res.kind == attempt_kind::retry) next = next_attempt_at(opts_.retry, 1, res.retry_after, t, opts_.random);
  std::vector<std::string> args;
  if (res.kind == attempt_kind::delivered) {
    ++stats_.delivered;
    args = {"done", holdq_, std::to_string(to_ms(t)), item.id, item.contact, w.sid, "ok", "",
            std::to_string(res.status), "", "", "1", std::to_string(opts_.max_dead)};
  } else if (!next) {
    ++stats_.dead;
    args = {"done", holdq_, std::to_string(to_ms(t)), item.id, item.contact, w.sid, "dead", entry_json(item, 1),
            std::to_string(res.status), res.reply,
            res.kind == attempt_kind::permanent ? "rejected: " + describe(res) : "attempts exhausted: " + describe(res),
            "1", std::to_string(opts_.max_dead)};
  } else {
    args = {"park", holdq_, std::to_string(to_ms(t)), item.id, item.contact, w.sid, entry_json(item, 1),
            std::to_string(to_ms(*next)), std::to_string(res.status), describe(res)};
    blocked.insert(item.contact);
  }
  co_return co_await step(std::move(args));
}

}  // namespace lg::webhooks
