// The processing worker (see process_worker.hpp).
#include "gateway/process_worker.hpp"

#include "core/error.hpp"
#include "store/keys.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <charconv>
#include <optional>
#include <utility>

namespace lg::gateway {

namespace {

struct stream_id {
  std::uint64_t ms = 0, seq = 0;
  auto operator<=>(const stream_id&) const = default;
};
std::optional<stream_id> parse_stream_id(std::string_view s) {
  auto dash = s.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  stream_id id;
  auto r1 = std::from_chars(s.data(), s.data() + dash, id.ms);
  auto r2 = std::from_chars(s.data() + dash + 1, s.data() + s.size(), id.seq);
  if (r1.ec != std::errc{} || r2.ec != std::errc{}) return std::nullopt;
  return id;
}

std::string field_of(const store::redis_reply& flat, std::string_view name) {
  const auto* v = flat.field(name);
  return v ? v->str : std::string();
}

}  // namespace

std::vector<stream_entry> parse_stream_entries(const store::redis_reply& list) {
  std::vector<stream_entry> out;
  for (const auto& e : list.elements) {
    if (!e.is_array() || e.elements.empty()) continue;
    stream_entry en;
    en.id = e.elements[0].str;
    if (e.elements.size() < 2 || !e.elements[1].is_array()) {
      en.deleted = true;
    } else {
      const auto& f = e.elements[1].elements;
      for (std::size_t i = 0; i + 1 < f.size(); i += 2) en.fields.emplace_back(f[i].str, f[i + 1].str);
    }
    out.push_back(std::move(en));
  }
  return out;
}

std::string default_consumer_name() {
  static std::atomic<unsigned> counter{0};
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) std::snprintf(host, sizeof(host), "unknown");
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(counter++);
}

std::shared_ptr<process_worker> process_worker::create(std::shared_ptr<store::redis_client> redis,
                                                       process_worker_options opts,
                                                       processed_handler on_processed) {
  return std::shared_ptr<process_worker>(
      new process_worker(std::move(redis), std::move(opts), std::move(on_processed)));
}

process_worker::process_worker(std::shared_ptr<store::redis_client> redis,
                               process_worker_options opts, processed_handler on_processed)
    : redis_(std::move(redis)), opts_(std::move(opts)), on_processed_(std::move(on_processed)) {
  if (opts_.consumer.empty()) opts_.consumer = default_consumer_name();
  if (opts_.batch == 0) opts_.batch = 1;
  opts_.resolve.tenant = opts_.tenant;
  opts_.resolve.default_team = opts_.default_team;
}

void process_worker::start() {
  running_ = true;
  stop_ = false;
  asio::co_spawn(redis_->context(), [self = shared_from_this()] { return self->run(); },
                 [self = shared_from_this()](std::exception_ptr ep) {
                   self->running_ = false;
                   if (ep) spdlog::error("process worker {} ended: {}", self->opts_.consumer, core::exception_text(ep));
                 });
}

void process_worker::stop() { stop_ = true; }

awaitable<void> process_worker::pause(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  boost::system::error_code ec;
  co_await t.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

awaitable<bool> process_worker::ensure_group() {
  // "0": entries accepted before any worker ran are processed too.
  std::vector<std::string> cmd{"XGROUP", "CREATE", store::keys::inbound(opts_.tenant),
                               opts_.group, "0", "MKSTREAM"};
  auto r = co_await redis_->async_exec(std::move(cmd));
  if (!r) co_return false;
  if (r->is_error() && !r->str.starts_with("BUSYGROUP")) {
    spdlog::error("process worker: XGROUP CREATE: {}", r->str);
    co_return false;
  }
  co_return true;
}

awaitable<void> process_worker::run() {
  while (!stop_ && !co_await ensure_group()) co_await pause(opts_.retry_backoff);
  auto now = std::chrono::steady_clock::now;
  // The first claim pass runs at once: a restarted worker picks up what its previous life left.
  auto next_claim = now();
  auto next_trim = now() + opts_.trim_interval;
  while (!stop_) {
    if (now() >= next_claim) {
      co_await claim_dead();
      next_claim = now() + opts_.claim_interval;
    }
    co_await read_new();
    if (now() >= next_trim) {
      co_await trim();
      next_trim = now() + opts_.trim_interval;
    }
  }
}

awaitable<void> process_worker::claim_dead() {
  std::string cursor = "0-0";
  // Bounded per pass so new entries are not starved behind a long backlog of orphans.
  for (int round = 0; round < 10 && !stop_; ++round) {
    std::vector<std::string> cmd{"XAUTOCLAIM", store::keys::inbound(opts_.tenant), opts_.group,
                                 opts_.consumer, std::to_string(opts_.claim_idle.count()), cursor,
                                 "COUNT", std::to_string(opts_.batch)};
    auto r = co_await redis_->async_exec(std::move(cmd));
    if (!r || r->is_error() || !r->is_array() || r->elements.size() < 2) {
      if (!r) ++stats_.errors;
      co_return;
    }
    auto entries = parse_stream_entries(r->elements[1]);
    // Redis 7 lists entries deleted while pending apart; they leave the PEL by themselves.
    stats_.claimed += entries.size();
    if (!entries.empty()) co_await handle_batch(std::move(entries));
    cursor = r->elements[0].str;
    if (cursor == "0-0" || cursor.empty()) co_return;
  }
}

awaitable<void> process_worker::read_new() {
  std::vector<std::string> cmd{"XREADGROUP", "GROUP", opts_.group, opts_.consumer,
                               "COUNT", std::to_string(opts_.batch),
                               "BLOCK", std::to_string(opts_.block.count()),
                               "STREAMS", store::keys::inbound(opts_.tenant), ">"};
  auto r = co_await redis_->async_exec(std::move(cmd));
  if (!r) {
    ++stats_.errors;
    co_await pause(opts_.retry_backoff);
    co_return;
  }
  if (r->is_error()) {
    // NOGROUP: the stream was deleted under us; recreate the group and go on.
    spdlog::warn("process worker: XREADGROUP: {}", r->str);
    co_await ensure_group();
    co_await pause(opts_.retry_backoff);
    co_return;
  }
  if (r->is_nil() || !r->is_array() || r->elements.empty()) co_return;
  const auto& stream = r->elements[0];
  if (!stream.is_array() || stream.elements.size() < 2) co_return;
  co_await handle_batch(parse_stream_entries(stream.elements[1]));
}

awaitable<void> process_worker::handle_batch(std::vector<entry> entries) {
  const std::size_t n = entries.size();
  if (n == 0) co_return;
  // All entries of the batch are resolved concurrently: hiredis pipelines the EVALSHAs on
  // the one connection, and Redis runs each script alone, in order.
  std::vector<char> ack(n, 0);
  std::vector<std::string> markers(n);
  std::size_t remaining = n;
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
  for (std::size_t i = 0; i < n; ++i) {
    asio::co_spawn(
        ex,
        [&, i]() -> awaitable<void> {
          ack[i] = entries[i].deleted ? 1 : co_await handle_one(entries[i], markers[i]);
        },
        [&](std::exception_ptr ep) {
          if (ep) {
            ++stats_.errors;
            try {
              std::rethrow_exception(ep);
            } catch (const std::exception& e) {
              spdlog::error("process worker: entry failed: {}", e.what());
            }
          }
          if (--remaining == 0) all_done.cancel();
        });
  }
  while (remaining > 0) {
    boost::system::error_code ec;
    co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }

  std::vector<std::string> xack{"XACK", store::keys::inbound(opts_.tenant), opts_.group};
  std::vector<std::string> del{"DEL"};
  for (std::size_t i = 0; i < n; ++i) {
    if (!ack[i]) continue;
    xack.push_back(entries[i].id);
    if (!markers[i].empty()) del.push_back(markers[i]);
  }
  if (xack.size() == 3) co_return;
  auto r = co_await redis_->async_exec(std::move(xack));
  if (!r || r->is_error()) {
    ++stats_.errors;  // the effects are written; redelivery will hit the done markers
    co_return;
  }
  // The markers only guard the window between the effects and the XACK; once acked, an
  // entry is never delivered again, so they go (their TTL is the fallback after a crash).
  if (del.size() > 1) co_await redis_->async_exec(std::move(del));
}

awaitable<bool> process_worker::handle_one(const entry& e, std::string& done_marker) {
  const std::string* raw = nullptr;
  for (const auto& [f, v] : e.fields)
    if (f == opts_.event_field) raw = &v;
  if (raw == nullptr) co_return co_await quarantine(e, "no '" + opts_.event_field + "' field");
  auto j = nlohmann::json::parse(*raw, nullptr, false);
  if (j.is_discarded() || !j.is_object()) co_return co_await quarantine(e, "not a JSON object");
  processed_event out;
  std::string parse_error;
  try {
    j.get_to(out.event);
  } catch (const nlohmann::json::exception& ex) {
    // from_json reports type mismatches by throwing; this is the data plane's boundary.
    parse_error = std::string("not a lead event: ") + ex.what();
  }
  if (!parse_error.empty()) co_return co_await quarantine(e, parse_error);
  if (out.event.event_id.empty()) co_return co_await quarantine(e, "event_id is missing");
  if (opts_.enrich && out.event.extra.contains("needs_fetch")) {
    if (auto verdict = co_await enrich(e, out.event)) co_return *verdict;
  }

  auto res = co_await store::async_resolve(*redis_, out.event, opts_.resolve);
  if (!res) {
    if (res.error().code == core::errc::unavailable || res.error().code == core::errc::timeout) {
      ++stats_.errors;
      co_return false;  // stays pending; claimed again after claim_idle
    }
    co_return co_await quarantine(e, "resolve failed: " + res.error().message);
  }
  if (res->duplicate) ++stats_.duplicates; else ++stats_.processed;
  done_marker = store::done_key(opts_.tenant, out.event.event_id);
  out.stream_id = e.id;
  out.contact = std::move(*res);
  if (on_processed_) on_processed_(out);
  if (opts_.route) {
    std::expected<void, core::error> routed;
    try {
      routed = co_await opts_.route(out);
    } catch (const std::exception& ex) {
      routed = std::unexpected(core::make_error(core::errc::internal, ex.what()));
    }
    if (!routed) {
      // Pending until claimed again; the done marker makes that run a duplicate that reaches
      // route with the same contact info.
      ++stats_.route_failures;
      spdlog::warn("process worker: route of {} failed: {}", e.id, routed.error().message);
      co_return false;
    }
    ++stats_.routed;
  }
  co_return true;
}

awaitable<bool> process_worker::quarantine(const entry& e, const std::string& reason) {
  std::vector<std::string> cmd{"XADD", store::keys::quarantine(opts_.tenant), "MAXLEN", "~",
                               std::to_string(opts_.quarantine_max_length), "*",
                               "stage", "process", "reason", reason, "entry_id", e.id};
  for (const auto& [f, v] : e.fields) {
    cmd.push_back("raw." + f);
    cmd.push_back(v);
  }
  auto r = co_await redis_->async_exec(std::move(cmd));
  if (!r || r->is_error()) {
    ++stats_.errors;
    co_return false;  // not kept anywhere yet: leave it pending
  }
  ++stats_.quarantined;
  spdlog::warn("process worker: entry {} quarantined: {}", e.id, reason);
  co_return true;
}

awaitable<std::optional<bool>> process_worker::enrich(const entry& e, core::lead_event& event) {
  const std::string key = store::keys::prefix(opts_.tenant) + "enrich:" + event.event_id;
  std::vector<std::string> get{"GET", key};
  auto state = co_await redis_->async_exec(std::move(get));
  if (!state) {
    ++stats_.errors;
    co_return false;
  }
  // "<attempts>:<next due, epoch ms>"
  long long tries = 0;
  long long due_ms = 0;
  if (const auto& v = state->str; !v.empty()) {
    const auto colon = v.find(':');
    std::from_chars(v.data(), v.data() + (colon == std::string::npos ? v.size() : colon), tries);
    if (colon != std::string::npos) std::from_chars(v.data() + colon + 1, v.data() + v.size(), due_ms);
  }
  const long long now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count();
  if (due_ms > now_ms) co_return false;  // backing off: stays pending, claimed again later

  channels::enrich_outcome out;
  try {
    out = co_await opts_.enrich(event);
  } catch (const std::exception& ex) {
    out = channels::enrich_outcome{channels::enrich_outcome::retry, ex.what()};
  }
  if (out.status == channels::enrich_outcome::done) {
    ++stats_.enriched;
    if (tries > 0) {
      std::vector<std::string> del{"DEL", key};
      co_await redis_->async_exec(std::move(del));
    }
    co_return std::nullopt;
  }
  if (out.status == channels::enrich_outcome::failed) {
    ++stats_.enrich_failures;
    co_return co_await quarantine(e, "enrichment failed: " + out.reason);
  }
  ++stats_.enrich_retries;
  ++tries;
  auto delay = opts_.enrich_backoff;
  for (long long i = 1; i < tries && delay < opts_.enrich_backoff_max; ++i) delay *= 2;
  delay = std::min(delay, opts_.enrich_backoff_max);
  std::vector<std::string> set{"SET", key, std::to_string(tries) + ":" + std::to_string(now_ms + delay.count()),
                               "EX", std::to_string(7 * 24 * 3600)};
  co_await redis_->async_exec(std::move(set));
  spdlog::warn("process worker: enrichment of {} failed (attempt {}), retried in {} ms or later: {}", e.id, tries,
               delay.count(), out.reason);
  co_return false;
}

awaitable<void> process_worker::trim() {
  const std::string in = store::keys::inbound(opts_.tenant);
  std::vector<std::string> info{"XINFO", "GROUPS", in};
  auto groups = co_await redis_->async_exec(std::move(info));
  if (!groups || !groups->is_array() || groups->elements.empty()) co_return;
  std::optional<stream_id> keep;  // the oldest entry some group still needs
  for (const auto& g : groups->elements) {
    std::string name = field_of(g, "name");
    auto last = parse_stream_id(field_of(g, "last-delivered-id"));
    if (!last) co_return;
    stream_id need{last->ms, last->seq + 1};  // everything up to last-delivered was delivered
    std::vector<std::string> pend{"XPENDING", in, name};
    auto p = co_await redis_->async_exec(std::move(pend));
    if (!p || !p->is_array() || p->elements.size() < 2) co_return;
    if (p->elements[0].as_integer().value_or(0) > 0) {
      auto oldest = parse_stream_id(p->elements[1].str);
      if (!oldest) co_return;
      need = std::min(need, *oldest);
    }
    keep = keep ? std::min(*keep, need) : need;
  }
  if (!keep) co_return;
  std::vector<std::string> cmd{"XTRIM", in, "MINID",
                               std::to_string(keep->ms) + "-" + std::to_string(keep->seq)};
  auto r = co_await redis_->async_exec(std::move(cmd));
  if (r && !r->is_error()) stats_.trimmed += static_cast<std::uint64_t>(r->as_integer().value_or(0));
}

}  // namespace lg::gateway
