// The IMAP mailbox pollers; see imap_poller.hpp.
#include "gateway/imap_poller.hpp"

#include "adapters/signature.hpp"
#include "gateway/hook_support.hpp"
#include "gateway/imap_client.hpp"
#include "gateway/logging.hpp"
#include "gateway/metrics.hpp"
#include "gateway/time_format.hpp"
#include "store/backoff.hpp"
#include "store/keys.hpp"

#include <boost/asio/ssl.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>

namespace lg::gateway {
namespace {

namespace email = adapters::email;
namespace imap = adapters::email::imap;
using core::errc;
using core::make_error;

// The header block of a message kept when its body is over the limit.
constexpr std::size_t header_literal_limit = 1 << 20;

}  // namespace

bool is_imap_source(const config::source_config& src) {
  return src.enabled && src.channel == "email" && src.preset == "imap";
}

// Handlers capture a plain impl*: the impl outlives its thread (stop() joins it before the
// impl can go), and a shared_ptr kept in a handler the stopped io_context never runs would
// keep the impl, and the io_context holding that handler, alive forever.
struct imap_pollers::impl {
  struct mailbox {
    const config::source_config* src = nullptr;
    email::imap_source_options opts;
    std::unique_ptr<asio::ssl::context> tls;
    std::shared_ptr<imap_client> client;
    std::unique_ptr<asio::steady_timer> wait;
    std::string state_key;
  };

  const config::config& cfg;
  store::redis_options redis_opts;
  metrics* stats = nullptr;
  imap_poller_counters& counters;
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  std::shared_ptr<store::redis_client> redis;
  std::vector<std::unique_ptr<mailbox>> boxes;
  std::thread thread;
  bool stopping = false;  // touched on ioc only
  std::size_t running = 0;  // run() coroutines not yet ended; touched on ioc only
  std::shared_ptr<asio::steady_timer> stop_deadline;

  // Once every mailbox has ended (or the deadline passed), the thread may go.
  void finish() {
    if (stop_deadline) stop_deadline->cancel();
    if (redis) redis->stop();
    ioc.stop();
  }
  std::mt19937_64 rng{std::random_device{}()};

  impl(const config::config& c, store::redis_options r, metrics* m, imap_poller_counters& k)
      : cfg(c), redis_opts(std::move(r)), stats(m), counters(k) {}

  void log_warn(const mailbox& b, std::string_view msg, std::string_view reason) {
    logging::log(spdlog::level::warn, msg, {{"source", b.src->id}, {"reason", reason}});
  }

  awaitable<std::expected<std::pair<std::uint64_t, std::uint32_t>, core::error>> load_state(const mailbox& b) {
    std::vector<std::string> cmd{"HMGET", b.state_key, "uidvalidity", "last_uid"};
    auto r = co_await redis->async_exec(std::move(cmd));
    if (!r) co_return std::unexpected(r.error());
    std::uint64_t validity = 0;
    std::uint32_t last = 0;
    if (r->elements.size() == 2) {
      if (!r->elements[0].str.empty()) validity = std::stoull(r->elements[0].str);
      if (!r->elements[1].str.empty()) last = static_cast<std::uint32_t>(std::stoul(r->elements[1].str));
    }
    co_return std::make_pair(validity, last);
  }

  awaitable<std::expected<void, core::error>> save(const mailbox& b, std::string field, std::string value) {
    std::vector<std::string> cmd{"HSET", b.state_key, std::move(field), std::move(value)};
    auto r = co_await redis->async_exec(std::move(cmd));
    if (!r) co_return std::unexpected(r.error());
    if (r->is_error()) co_return std::unexpected(make_error(errc::unavailable, "redis refused HSET: " + r->str));
    co_return std::expected<void, core::error>{};
  }

  // One message: event + accept, or quarantine. Errors only when Redis did not take it (the
  // message is then not counted as done and comes again).
  awaitable<std::expected<void, core::error>> take_message(mailbox& b, std::uint64_t validity, std::uint32_t uid,
                                                           std::uint64_t size, const std::string& raw, bool omitted) {
    email::imap_message_meta meta;
    meta.uidvalidity = validity;
    meta.uid = uid;
    meta.size = size;
    meta.body_omitted = omitted;
    const auto now = std::chrono::system_clock::now();
    meta.received_at = format_rfc3339_ms(now);
    auto event = email::imap_message_event(*b.src, b.opts, raw, meta);
    if (!event) {
      // A rescan (UIDVALIDITY changed) meets the same broken message again: quarantine it once.
      const std::string seen_key =
          store::keys::idempotency(cfg.tenant, "email:bad:" + adapters::sig::sha256_hex(raw));
      std::vector<std::string> exists{"EXISTS", seen_key};
      auto seen = co_await redis->async_exec(std::move(exists));
      if (!seen) co_return std::unexpected(seen.error());
      if (seen->integer == 1) {
        ++counters.duplicates;
        co_return std::expected<void, core::error>{};
      }
      hooks::quarantine_entry q;
      q.tenant = cfg.tenant;
      q.source = b.src->id;
      q.channel = "email";
      q.reason = "imap uid " + std::to_string(uid) + " (uidvalidity " + std::to_string(validity) +
                 "): " + event.error().message;
      q.received_at = meta.received_at;
      q.body = raw;
      q.headers = nlohmann::json{{"imap_uid", std::to_string(uid)},
                                 {"imap_uidvalidity", std::to_string(validity)},
                                 {"mailbox", b.opts.mailbox}}
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      auto r = co_await hooks::async_quarantine(*redis, q);
      if (!r) co_return std::unexpected(r.error());
      const auto window = std::chrono::duration_cast<std::chrono::milliseconds>(b.opts.dedupe_window);
      std::vector<std::string> mark{"SET", seen_key, *r, "PX", std::to_string(window.count())};
      auto marked = co_await redis->async_exec(std::move(mark));
      if (!marked) co_return std::unexpected(marked.error());
      ++counters.quarantined;
      if (stats) stats->quarantined(b.src->id);
      logging::log(spdlog::level::warn, "imap message quarantined",
                   {{"source", b.src->id}, {"reason", q.reason}, {"entry", *r}});
      co_return std::expected<void, core::error>{};
    }
    std::string key = event->event_id;
    auto r = co_await hooks::async_accept_event(*redis, cfg.tenant, *event, std::move(key),
                                                std::chrono::duration_cast<std::chrono::milliseconds>(b.opts.dedupe_window),
                                                cfg.redis.max_inbound_length, now);
    if (!r) co_return std::unexpected(r.error());
    if (r->duplicate) {
      ++counters.duplicates;
      if (stats) stats->lead_duplicate(b.src->id);
    } else {
      ++counters.accepted;
      if (omitted) ++counters.bodies_omitted;
      if (stats) stats->lead_accepted(b.src->id);
    }
    co_return std::expected<void, core::error>{};
  }

  // Fetches and takes every message after last_uid, in rounds of opts.batch.
  awaitable<std::expected<void, core::error>> drain(mailbox& b, imap_client& c, std::uint64_t validity,
                                                    std::uint32_t& last, std::optional<std::uint32_t> uidnext) {
    const auto batch = static_cast<std::uint32_t>(b.opts.batch);
    std::uint64_t from = std::uint64_t{last} + 1;
    while (!stopping) {
      if (from > UINT32_MAX) co_return std::expected<void, core::error>{};
      // A bounded window while below UIDNEXT (UIDs may have gaps), then "*" for the rest.
      const bool windowed = uidnext && from + batch < *uidnext;
      const std::string range =
          std::to_string(from) + ":" + (windowed ? std::to_string(from + batch - 1) : std::string("*"));
      auto listed = co_await c.async_command("UID FETCH " + range + " (UID RFC822.SIZE)", batch + 1);
      if (!listed) co_return std::unexpected(listed.error());
      std::vector<std::pair<std::uint32_t, std::uint64_t>> todo;
      for (const auto& resp : *listed) {
        auto f = imap::parse_fetch(resp);
        // "n:*" names the last message even when its UID is below n: skip what is done.
        if (f && f->uid && *f->uid >= from) todo.emplace_back(*f->uid, f->size.value_or(0));
      }
      std::sort(todo.begin(), todo.end());
      if (todo.size() > batch) todo.resize(batch);
      for (const auto& [uid, size] : todo) {
        if (stopping) co_return std::expected<void, core::error>{};
        const bool omit = size > b.opts.max_message_bytes;
        const std::string section = omit ? "BODY.PEEK[HEADER]" : "BODY.PEEK[]";
        auto got = co_await c.async_command("UID FETCH " + std::to_string(uid) + " (UID " + section + ")", 4);
        if (!got) co_return std::unexpected(got.error());
        std::optional<std::string> raw;
        for (const auto& resp : *got) {
          auto f = imap::parse_fetch(resp);
          if (f && f->uid == uid && f->body) raw = std::move(f->body);
        }
        if (raw) {  // no body: expunged meanwhile, nothing to take
          auto t = co_await take_message(b, validity, uid, size, *raw, omit);
          if (!t) co_return std::unexpected(t.error());
          if (b.opts.mark_seen) {
            auto s = co_await c.async_command("UID STORE " + std::to_string(uid) + " +FLAGS.SILENT (\\Seen)", 4);
            if (!s) co_return std::unexpected(s.error());
          }
        }
        auto saved = co_await save(b, "last_uid", std::to_string(uid));
        if (!saved) co_return std::unexpected(saved.error());
        last = uid;
      }
      if (!windowed && todo.size() < batch) co_return std::expected<void, core::error>{};
      from = windowed ? std::max<std::uint64_t>(from + batch, std::uint64_t{last} + 1) : std::uint64_t{last} + 1;
    }
    co_return std::expected<void, core::error>{};
  }

  // One connection's life: login, select, catch up, then IDLE or poll until an error.
  awaitable<core::error> session(mailbox& b, bool& reached) {
    imap::limits lim;
    lim.max_literal = std::max(b.opts.max_message_bytes, header_literal_limit) + 1024;
    b.client = imap_client::create(ioc.get_executor(), *b.tls, lim);
    auto c = b.client;
    auto opened = co_await c->async_open(b.opts);
    if (!opened) co_return opened.error();
    auto info = co_await c->async_select(b.opts.mailbox);
    if (!info) co_return info.error();
    auto state = co_await load_state(b);
    if (!state) co_return state.error();
    std::uint64_t validity = state->first;
    std::uint32_t last = state->second;
    if (validity != info->uidvalidity) {
      if (validity != 0) {
        logging::log(spdlog::level::warn, "imap UIDVALIDITY changed: rescanning the mailbox",
                     {{"source", b.src->id}, {"was", std::to_string(validity)},
                      {"now", std::to_string(info->uidvalidity)}});
      }
      last = 0;
      auto s1 = co_await save(b, "last_uid", "0");
      if (!s1) co_return s1.error();
      auto s2 = co_await save(b, "uidvalidity", std::to_string(info->uidvalidity));
      if (!s2) co_return s2.error();
      validity = info->uidvalidity;
    }
    reached = true;
    ++counters.sessions;
    std::optional<std::uint32_t> uidnext = info->uidnext;
    while (!stopping) {
      auto d = co_await drain(b, *c, validity, last, uidnext);
      if (!d) co_return d.error();
      uidnext.reset();  // stale after the first round
      if (stopping) break;
      if (b.opts.idle && c->supports_idle()) {
        ++counters.idles;
        auto idled = co_await c->async_idle(b.opts.idle_renew);
        if (!idled) co_return idled.error();
      } else {
        boost::system::error_code ec;
        b.wait->expires_after(b.opts.poll_interval);
        co_await b.wait->async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (stopping) break;
        // Keeps the session alive and lets the server report new mail before the next round.
        auto noop = co_await c->async_command("NOOP", 10'000);
        if (!noop) co_return noop.error();
      }
    }
    co_return make_error(errc::unavailable, "stopping");
  }

  awaitable<void> run(mailbox& b) {
    unsigned attempt = 0;
    // The Redis connection starts with the thread: give it a moment before the first session
    // (a session without Redis would log in only to fail).
    for (int i = 0; i < 200 && !stopping && !redis->connected(); ++i) {
      boost::system::error_code ec;
      b.wait->expires_after(std::chrono::milliseconds(10));
      co_await b.wait->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    while (!stopping) {
      bool reached = false;
      auto err = co_await session(b, reached);
      if (b.client) b.client->close();
      b.client.reset();
      if (stopping) break;
      ++counters.failures;
      if (reached) attempt = 0;
      const auto delay = store::backoff_delay(b.opts.backoff_min, b.opts.backoff_max, attempt++,
                                              std::uniform_real_distribution<double>(0.0, 1.0)(rng));
      log_warn(b, "imap session ended; reconnecting", err.message + " (retry in " + std::to_string(delay.count()) + " ms)");
      boost::system::error_code ec;
      b.wait->expires_after(delay);
      co_await b.wait->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
};

imap_pollers::imap_pollers(const config::config& cfg, store::redis_options redis, metrics* stats)
    : impl_(std::make_shared<impl>(cfg, std::move(redis), stats, counters_)) {
  for (std::size_t i = 0; i < cfg.sources.size(); ++i) {
    const auto& src = cfg.sources[i];
    if (!is_imap_source(src)) continue;
    const std::string path = "sources[" + std::to_string(i) + "]";
    auto b = std::make_unique<impl::mailbox>();
    b->src = &src;
    b->opts = email::read_imap_options(src, path);
    b->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    b->tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    b->tls->set_verify_mode(asio::ssl::verify_peer);
    boost::system::error_code ec;
    b->tls->set_default_verify_paths(ec);  // an empty system store is not fatal with a ca_file
    if (!b->opts.ca_file.empty()) {
      b->tls->load_verify_file(b->opts.ca_file, ec);
      if (ec) throw config::config_error(path + ".options.ca_file: cannot load '" + b->opts.ca_file + "': " + ec.message());
    }
    b->wait = std::make_unique<asio::steady_timer>(impl_->ioc);
    b->state_key = store::keys::imap_state(cfg.tenant, src.id);
    impl_->boxes.push_back(std::move(b));
  }
}

imap_pollers::~imap_pollers() { stop(); }

std::size_t imap_pollers::size() const noexcept { return impl_->boxes.size(); }

void imap_pollers::start() {
  if (impl_->boxes.empty() || impl_->thread.joinable()) return;
  auto& s = *impl_;
  s.guard.emplace(s.ioc.get_executor());
  s.redis = store::redis_client::create(s.ioc, s.redis_opts);
  s.redis->start();
  for (auto& b : s.boxes) {
    ++s.running;
    asio::co_spawn(s.ioc, s.run(*b), [self = &s, src = b->src->id](std::exception_ptr e) {
      if (--self->running == 0 && self->stopping) self->finish();
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        logging::log(spdlog::level::err, "imap poller failed", {{"source", src}, {"reason", ex.what()}});
      }
    });
  }
  s.thread = std::thread([self = &s] { self->ioc.run(); });
}

void imap_pollers::stop() {
  auto& s = *impl_;
  if (!s.thread.joinable()) return;
  asio::post(s.ioc, [self = &s] {
    self->stopping = true;
    for (auto& b : self->boxes) {
      if (b->client) b->client->close();
      b->wait->cancel();
    }
    self->guard.reset();
    if (self->running == 0) {
      self->finish();
      return;
    }
    // Whatever has not ended by then (a Redis reply in flight) is abandoned.
    self->stop_deadline = std::make_shared<asio::steady_timer>(self->ioc, std::chrono::seconds(3));
    self->stop_deadline->async_wait([self](const boost::system::error_code& ec) {
      if (!ec) self->finish();
    });
  });
  s.thread.join();
}

}  // namespace lg::gateway
