// The IMAP mailbox pollers; see imap_poller.hpp.
#include "pollers/imap_poller.hpp"
#include "core/json_text.hpp"

#include "core/digest.hpp"
#include "core/time_format.hpp"
#include "http/tls.hpp"
#include "logging/logging.hpp"
#include "pollers/imap_client.hpp"
#include "runtime/done_signal.hpp"
#include "runtime/service_thread.hpp"
#include "runtime/spawn.hpp"
#include "core/backoff.hpp"
#include "store/inbound_log.hpp"
#include "store/mailbox_state.hpp"
#include "store/quarantine.hpp"

#include <boost/asio/ssl.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>

namespace lg::pollers {
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
// impl can go).
struct imap_pollers::impl {
  struct mailbox {
    const config::source_config* src = nullptr;
    email::imap_source_options opts;
    std::unique_ptr<asio::ssl::context> tls;
    std::shared_ptr<imap_client> client;
    std::unique_ptr<asio::steady_timer> wait;
    std::unique_ptr<runtime::done_signal> ended;
  };

  const config::config& cfg;
  store::redis_options redis_opts;
  poll_observer observer;
  imap_poller_counters& counters;
  runtime::service_thread service{"imap pollers"};
  asio::io_context& ioc = service.context();
  std::shared_ptr<store::redis_client> redis;
  std::vector<std::unique_ptr<mailbox>> boxes;
  bool stopping = false;  // touched on ioc only
  std::mt19937_64 rng{std::random_device{}()};

  awaitable<void> shutdown() {
    stopping = true;
    for (auto& b : boxes) {
      if (b->client) b->client->close();
      b->wait->cancel();
    }
    for (auto& b : boxes) co_await b->ended->async_wait();
    if (redis) redis->stop();
  }

  impl(const config::config& c, store::redis_options r, poll_observer o, imap_poller_counters& k)
      : cfg(c), redis_opts(std::move(r)), observer(std::move(o)), counters(k) {}

  static void tell(const std::function<void(std::string_view)>& f, const mailbox& b) {
    if (f) f(b.src->id);
  }

  void log_warn(const mailbox& b, std::string_view msg, std::string_view reason) {
    logging::warn(msg, {{"source", b.src->id}, {"reason", reason}});
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
    meta.received_at = core::format_rfc3339_ms(now);
    auto event = email::imap_message_event(*b.src, b.opts, raw, meta);
    if (!event) {
      // A rescan (UIDVALIDITY changed) meets the same broken message again: quarantine it once.
      store::quarantine_entry q;
      q.tenant = cfg.tenant;
      q.stage = "poll";
      q.source = b.src->id;
      q.channel = "email";
      q.reason = "imap uid " + std::to_string(uid) + " (uidvalidity " + std::to_string(validity) +
                 "): " + event.error().message;
      q.received_at = meta.received_at;
      q.body = raw;
      q.headers = core::json_text(nlohmann::json{{"imap_uid", std::to_string(uid)},
                                 {"imap_uidvalidity", std::to_string(validity)},
                                 {"mailbox", b.opts.mailbox}});
      const auto reason = q.reason;
      auto r = co_await store::async_quarantine_message_once(
          *redis, std::move(q), core::sha256_hex(raw),
          std::chrono::duration_cast<std::chrono::milliseconds>(b.opts.dedupe_window));
      if (!r) co_return std::unexpected(r.error());
      if (!*r) {
        ++counters.duplicates;
        co_return std::expected<void, core::error>{};
      }
      ++counters.quarantined;
      tell(observer.quarantined, b);
      logging::warn("imap message quarantined", {{"source", b.src->id}, {"reason", reason}, {"entry", **r}});
      co_return std::expected<void, core::error>{};
    }
    std::string key = event->event_id;
    auto r = co_await store::async_accept_event(*redis, cfg.tenant, *event, std::move(key),
                                                std::chrono::duration_cast<std::chrono::milliseconds>(b.opts.dedupe_window),
                                                store::accept_limits{cfg.redis.max_inbound_length, cfg.redis.min_replicas_ack,
                                                                     cfg.redis.replica_ack_timeout},
                                                now);
    if (!r) co_return std::unexpected(r.error());
    if (r->duplicate) {
      ++counters.duplicates;
      tell(observer.duplicate, b);
    } else {
      ++counters.accepted;
      if (omitted) ++counters.bodies_omitted;
      tell(observer.accepted, b);
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
        auto saved = co_await store::async_mailbox_advance(*redis, cfg.tenant, b.src->id, uid);
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
    auto state = co_await store::async_mailbox_position(*redis, cfg.tenant, b.src->id);
    if (!state) co_return state.error();
    if (state->corrupt) {
      ++counters.position_resets;
      tell(observer.position_reset, b);
      logging::error("imap position in Redis is not a number: rescanning the mailbox (each message is still taken once)",
                     {{"source", b.src->id}});
    }
    std::uint64_t validity = state->uidvalidity;
    std::uint32_t last = state->last_uid;
    if (validity != info->uidvalidity) {
      if (validity != 0) {
        logging::warn("imap UIDVALIDITY changed: rescanning the mailbox",
                      {{"source", b.src->id}, {"was", std::to_string(validity)},
                       {"now", std::to_string(info->uidvalidity)}});
      }
      last = 0;
      auto restarted = co_await store::async_mailbox_restart(*redis, cfg.tenant, b.src->id, info->uidvalidity);
      if (!restarted) co_return restarted.error();
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
      const auto delay = core::backoff_delay(b.opts.backoff_min, b.opts.backoff_max, attempt++,
                                              std::uniform_real_distribution<double>(0.0, 1.0)(rng));
      log_warn(b, "imap session ended; reconnecting", err.message + " (retry in " + std::to_string(delay.count()) + " ms)");
      boost::system::error_code ec;
      b.wait->expires_after(delay);
      co_await b.wait->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
};

imap_pollers::imap_pollers(const config::config& cfg, store::redis_options redis, poll_observer observer)
    : impl_(std::make_shared<impl>(cfg, std::move(redis), std::move(observer), counters_)) {
  for (std::size_t i = 0; i < cfg.sources.size(); ++i) {
    const auto& src = cfg.sources[i];
    if (!is_imap_source(src)) continue;
    const std::string path = "sources[" + std::to_string(i) + "]";
    auto b = std::make_unique<impl::mailbox>();
    b->src = &src;
    b->opts = email::read_imap_options(src, path);
    b->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
    if (auto failed = net::configure_client_tls(*b->tls, true, b->opts.ca_file))
      throw config::config_error(path + ".options.ca_file: " + *failed);
    b->wait = std::make_unique<asio::steady_timer>(impl_->ioc);
    b->ended = std::make_unique<runtime::done_signal>(impl_->ioc.get_executor());
    impl_->boxes.push_back(std::move(b));
  }
}

imap_pollers::~imap_pollers() { stop(); }

std::size_t imap_pollers::size() const noexcept { return impl_->boxes.size(); }

void imap_pollers::start() {
  if (impl_->boxes.empty() || impl_->service.started()) return;
  auto& s = *impl_;
  s.stopping = false;
  s.redis = store::redis_client::create(s.ioc, s.redis_opts);
  s.redis->start();
  for (auto& b : s.boxes) {
    b->ended->reset();
    runtime::spawn_logged(s.ioc.get_executor(), s.run(*b), "imap poller " + b->src->id,
                          [ended = b->ended.get()] { ended->set(); });
  }
  s.service.start();
}

void imap_pollers::stop() {
  // Whatever has not ended in time (a Redis reply in flight) is abandoned.
  impl_->service.stop(std::chrono::seconds(3), [self = impl_.get()] { return self->shutdown(); });
}

}  // namespace lg::pollers
