// The hiredis <-> Asio bridge.
//
// hiredis's async API asks an event library to watch its socket through five hooks
// (addRead/delRead/addWrite/delWrite/cleanup). Here the socket is wrapped in an Asio
// stream_descriptor and every "add" arms one async_wait; when it fires we hand the event to
// redisAsyncHandleRead/Write, which re-arms what it still needs. hiredis owns the fd: the
// descriptor is release()d in the cleanup hook, never closed by Asio.
//
// Everything runs on one io_context thread, so there are no locks. Completions are always
// posted, never run inside a hiredis callback: user code then never re-enters hiredis while
// it is walking its reply list, and a completion never runs inside async_initiate.
//
// Command deadlines: all commands share one timeout and are issued in order, so their
// deadlines are ordered too. Waiting commands sit in an intrusive FIFO list; one timer is
// armed at the deadline of the oldest and, when it fires, fails every overdue command and
// re-arms at the next one. A busy client therefore wakes the timer about once per timeout
// period, not once per command. A timed-out command stays in hiredis's queue (its reply is
// still on its way) and its record is recycled when the reply, or the disconnect, arrives.
#include "store/redis_client.hpp"
#include "store/redis_pending.hpp"

#include "core/backoff.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include "logging/logging.hpp"

#include <array>
#include <random>

namespace lg::store {
namespace {

using result_type = detail::redis_result;
using completion = detail::redis_completion;
using steady = std::chrono::steady_clock;

std::unexpected<core::error> unavailable(std::string message) {
  return std::unexpected(core::make_error(core::errc::unavailable, std::move(message)));
}

constexpr std::size_t inline_argc = 16;

}  // namespace

struct redis_client::impl {
  using record = detail::pending_command;

  enum class state { idle, connecting, handshaking, connected, waiting_retry, stopped };

  impl(asio::io_context& ctx, redis_options o)
      : ioc(ctx),
        opts(std::move(o)),
        sock(ctx),
        resolver(ctx),
        connect_timer(ctx),
        retry_timer(ctx),
        deadline_timer(ctx),
        rng(std::random_device{}()) {}

  asio::io_context& ioc;
  redis_options opts;
  std::weak_ptr<redis_client> owner;

  redisAsyncContext* ac = nullptr;
  asio::posix::stream_descriptor sock;
  asio::ip::tcp::resolver resolver;
  asio::steady_timer connect_timer;
  asio::steady_timer retry_timer;
  asio::steady_timer deadline_timer;
  std::uint64_t gen = 0;  // bumped per attempt and per lost context; stale handlers compare it
  // One direction of the socket: hiredis wants it watched (want), a wait is pending (armed).
  struct watch {
    bool want = false;
    bool armed = false;
  };
  watch readable, writable;
  bool deadline_armed = false;

  state st = state::idle;
  int handshake_left = 0;
  unsigned attempt = 0;
  bool ever_connected = false;
  std::string sub_channel;  // a subscriber's channel; empty: a command connection
  std::function<void(std::string)> on_message;
  std::function<void()> on_subscribed;
  std::minstd_rand rng;

  detail::pending_commands pending;
  std::size_t outstanding = 0;  // records hiredis still holds (waiting or timed out)
  redis_stats stats;

  void complete(completion done, result_type res) {
    asio::post(ioc, [d = std::move(done), res = std::move(res)]() mutable { d(std::move(res)); });
  }

  // ---- commands ------------------------------------------------------------------------

  void submit(std::span<const std::string> args, completion done) {
    if (st != state::connected || ac == nullptr) {
      complete(std::move(done), unavailable("redis is not connected"));
      return;
    }
    if (args.empty()) {
      complete(std::move(done), std::unexpected(core::make_error(
                                    core::errc::invalid_field, "empty redis command")));
      return;
    }
    if (outstanding >= opts.max_pending) {
      complete(std::move(done), unavailable("too many redis commands in flight"));
      return;
    }
    std::array<const char*, inline_argc> argv_inline;
    std::array<std::size_t, inline_argc> len_inline;
    std::vector<const char*> argv_heap;
    std::vector<std::size_t> len_heap;
    const char** argv = argv_inline.data();
    std::size_t* lens = len_inline.data();
    if (args.size() > inline_argc) {
      argv_heap.resize(args.size());
      len_heap.resize(args.size());
      argv = argv_heap.data();
      lens = len_heap.data();
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
      argv[i] = args[i].data();
      lens[i] = args[i].size();
    }
    record* r = pending.acquire(this);
    r->done = std::move(done);
    r->waiting = true;
    r->deadline = steady::now() + opts.command_timeout;
    // hiredis serializes the arguments into its output buffer before returning.
    if (redisAsyncCommandArgv(ac, &impl::on_reply, r, static_cast<int>(args.size()), argv,
                              lens) != REDIS_OK) {
      completion d = std::move(r->done);
      pending.recycle(r);
      complete(std::move(d), unavailable("redis connection is closing"));
      return;
    }
    ++outstanding;
    ++stats.commands;
    pending.push_back(r);
    if (!deadline_armed) arm_deadline(r->deadline);
  }

  static void on_reply(redisAsyncContext*, void* reply, void* privdata) {
    auto* r = static_cast<record*>(privdata);
    impl& self = *static_cast<impl*>(r->owner);
    --self.outstanding;
    if (r->waiting) {
      self.pending.unlink(r);
      completion d = std::move(r->done);
      if (reply == nullptr) {
        // hiredis frees the context: the command may or may not have run.
        self.complete(std::move(d), unavailable("redis connection lost"));
      } else {
        redis_reply copy = copy_reply(*static_cast<const redisReply*>(reply));
        // NOSCRIPT is the expected first answer to EVALSHA on a fresh server, not a fault.
        if (copy.is_error() && !std::string_view(copy.str).starts_with("NOSCRIPT")) ++self.stats.errors;
        self.complete(std::move(d), std::move(copy));
      }
    }
    self.pending.recycle(r);
  }

  void arm_deadline(steady::time_point at) {
    deadline_armed = true;
    // A millisecond of slack lets one wake-up collect the commands due right after.
    deadline_timer.expires_at(at + std::chrono::milliseconds(1));
    deadline_timer.async_wait([w = owner](boost::system::error_code ec) {
      if (ec == asio::error::operation_aborted) return;
      if (auto self = w.lock()) self->impl_->on_deadline();
    });
  }

  void on_deadline() {
    deadline_armed = false;
    auto now = steady::now();
    while (record* r = pending.front()) {
      if (r->deadline > now) break;
      pending.unlink(r);
      r->waiting = false;  // the record lives on until hiredis hands back its late reply
      ++stats.timeouts;
      complete(std::move(r->done),
               std::unexpected(core::make_error(core::errc::timeout, "redis command timed out")));
      r->done = nullptr;
    }
    if (record* r = pending.front()) arm_deadline(r->deadline);
  }

  // ---- event hooks ---------------------------------------------------------------------

  static impl& from(void* p) { return *static_cast<impl*>(p); }
  static void ev_add_read(void* p) { from(p).readable.want = true; from(p).arm_read(); }
  static void ev_del_read(void* p) { from(p).readable.want = false; }
  static void ev_add_write(void* p) { from(p).writable.want = true; from(p).arm_write(); }
  static void ev_del_write(void* p) { from(p).writable.want = false; }
  static void ev_cleanup(void* p) { from(p).on_context_gone(); }

  void arm_read() { arm(readable, asio::posix::stream_descriptor::wait_read); }
  void arm_write() { arm(writable, asio::posix::stream_descriptor::wait_write); }

  void arm(watch& w, asio::posix::stream_descriptor::wait_type type) {
    if (w.armed || ac == nullptr) return;
    w.armed = true;
    const bool reading = type == asio::posix::stream_descriptor::wait_read;
    sock.async_wait(type, [o = owner, g = gen, reading](boost::system::error_code ec) {
      if (auto self = o.lock()) self->impl_->on_ready(g, ec, reading);
    });
  }

  // After redisAsyncHandle* returns, `ac` may be gone (cleanup ran): touch nothing of it.
  void on_ready(std::uint64_t g, boost::system::error_code ec, bool reading) {
    if (g != gen) return;
    watch& w = reading ? readable : writable;
    w.armed = false;
    if (ec == asio::error::operation_aborted || ac == nullptr || !w.want) return;
    if (reading) redisAsyncHandleRead(ac); else redisAsyncHandleWrite(ac);
  }

  // hiredis is freeing the context (lost connection, failed connect, stop): its pending
  // callbacks already ran with a NULL reply and it closes the fd right after this returns.
  void on_context_gone() {
    if (sock.is_open()) sock.release();  // cancels our waits; hiredis closes the fd
    ac = nullptr;
    ++gen;
    readable = writable = watch{};
    connect_timer.cancel();
    if (st == state::connected) ++stats.disconnects;
    if (st != state::stopped) {
      st = state::waiting_retry;
      schedule_retry();
    }
  }

  // ---- connecting ----------------------------------------------------------------------

  void begin_attempt() {
    st = state::connecting;
    ++gen;
    connect_timer.expires_after(opts.connect_timeout);
    connect_timer.async_wait([w = owner, g = gen](boost::system::error_code ec) {
      if (ec == asio::error::operation_aborted) return;
      if (auto self = w.lock()) self->impl_->on_connect_timeout(g);
    });
    if (!opts.unix_socket.empty()) {
      open_context(nullptr);
      return;
    }
    // hiredis would resolve a host name with a blocking getaddrinfo; an address literal needs
    // no resolving, anything else is resolved asynchronously first.
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(opts.host, ec);
    if (!ec) {
      open_context(addr.to_string().c_str());
      return;
    }
    resolver.async_resolve(opts.host, std::to_string(opts.port),
                           [w = owner, g = gen](boost::system::error_code rec,
                                                asio::ip::tcp::resolver::results_type res) {
                             auto self = w.lock();
                             if (!self) return;
                             impl& me = *self->impl_;
                             if (g != me.gen || me.st != state::connecting) return;
                             if (rec || res.empty()) {
                               logging::warn("redis: cannot resolve its host",
                                             {{"host", me.opts.host}, {"reason", rec ? rec.message() : "no address"}});
                               me.connect_timer.cancel();
                               me.st = state::waiting_retry;
                               me.schedule_retry();
                               return;
                             }
                             me.open_context(
                                 res.begin()->endpoint().address().to_string().c_str());
                           });
  }

  void open_context(const char* ip) {
    redisAsyncContext* c = ip != nullptr ? redisAsyncConnect(ip, opts.port)
                                         : redisAsyncConnectUnix(opts.unix_socket.c_str());
    if (c == nullptr || c->err != 0) {
      logging::log(ever_connected ? spdlog::level::debug : spdlog::level::warn, "redis: connect failed",
                   {{"reason", c != nullptr ? c->errstr : "out of memory"}});
      if (c != nullptr) redisAsyncFree(c);  // no hooks installed yet: no cleanup callback
      connect_timer.cancel();
      st = state::waiting_retry;
      schedule_retry();
      return;
    }
    // The hooks go in before anything that may call them (setting the connect callback
    // already asks for a write event).
    ac = c;
    c->data = this;
    c->ev.data = this;
    c->ev.addRead = &impl::ev_add_read;
    c->ev.delRead = &impl::ev_del_read;
    c->ev.addWrite = &impl::ev_add_write;
    c->ev.delWrite = &impl::ev_del_write;
    c->ev.cleanup = &impl::ev_cleanup;
    boost::system::error_code ec;
    sock.assign(c->c.fd, ec);
    if (ec) {
      logging::warn("redis: cannot watch its socket", {{"reason", ec.message()}});
      redisAsyncFree(c);  // runs on_context_gone, which schedules the retry
      return;
    }
    redisAsyncSetDisconnectCallback(c, &impl::on_disconnect);
    redisAsyncSetConnectCallback(c, &impl::on_connect);
  }

  static void on_connect(const redisAsyncContext* c, int status) {
    impl& self = from(c->data);
    if (status != REDIS_OK) {
      // hiredis frees the context right after this returns; cleanup schedules the retry.
      logging::log(self.ever_connected ? spdlog::level::debug : spdlog::level::warn, "redis: connect failed",
                   {{"reason", c->errstr}});
      return;
    }
    self.on_tcp_connected();
  }

  void on_tcp_connected() {
    if (opts.unix_socket.empty()) redisEnableKeepAlive(&ac->c);  // find dead peers
    st = state::handshaking;
    handshake_left = 0;
    if (!opts.password.empty()) {
      // AUTH [user] password: the ACL form only when a user is configured.
      std::array<const char*, 3> argv{"AUTH", opts.username.c_str(), opts.password.c_str()};
      std::array<std::size_t, 3> lens{4, opts.username.size(), opts.password.size()};
      if (opts.username.empty()) {
        argv[1] = argv[2];
        lens[1] = lens[2];
      }
      int argc = opts.username.empty() ? 2 : 3;
      redisAsyncCommandArgv(ac, &impl::on_handshake_reply, this, argc, argv.data(), lens.data());
      ++handshake_left;
    }
    if (opts.db != 0) {
      std::string db = std::to_string(opts.db);
      std::array<const char*, 2> argv{"SELECT", db.c_str()};
      std::array<std::size_t, 2> lens{6, db.size()};
      redisAsyncCommandArgv(ac, &impl::on_handshake_reply, this, 2, argv.data(), lens.data());
      ++handshake_left;
    }
    if (handshake_left == 0) become_ready();
  }

  static void on_handshake_reply(redisAsyncContext* c, void* reply, void* privdata) {
    impl& self = from(privdata);
    if (reply == nullptr || c != self.ac) return;  // the context is going away
    const auto* r = static_cast<const redisReply*>(reply);
    if (r->type == REDIS_REPLY_ERROR) {
      // Never log the command itself: it holds the password.
      logging::error("redis: connection setup refused", {{"reason", std::string_view(r->str, r->len)}});
      redisAsyncDisconnect(c);  // deferred by hiredis until this callback returns
      return;
    }
    if (--self.handshake_left == 0) self.become_ready();
  }

  void become_ready() {
    connect_timer.cancel();
    st = state::connected;
    attempt = 0;
    if (ever_connected) {
      ++stats.reconnects;
      logging::info("redis: reconnected");
    }
    ever_connected = true;
    if (!sub_channel.empty()) {
      std::array<const char*, 2> argv{"SUBSCRIBE", sub_channel.c_str()};
      std::array<std::size_t, 2> lens{9, sub_channel.size()};
      redisAsyncCommandArgv(ac, &impl::on_sub_reply, this, 2, argv.data(), lens.data());
    }
  }

  // Every reply of a subscription: the confirmation, then one per message (hiredis keeps the
  // callback for the connection's life).
  static void on_sub_reply(redisAsyncContext* c, void* reply, void* privdata) {
    impl& self = from(privdata);
    if (reply == nullptr || c != self.ac) return;  // the connection is going away
    const auto* r = static_cast<const redisReply*>(reply);
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 3 || r->element[0]->type != REDIS_REPLY_STRING) return;
    const std::string_view kind(r->element[0]->str, r->element[0]->len);
    if (kind == "subscribe") {
      if (self.on_subscribed) asio::post(self.ioc, [f = self.on_subscribed] { f(); });
    } else if (kind == "message" && r->element[2]->type == REDIS_REPLY_STRING) {
      std::string payload(r->element[2]->str, r->element[2]->len);
      if (self.on_message) asio::post(self.ioc, [f = self.on_message, p = std::move(payload)]() mutable { f(std::move(p)); });
    }
  }

  static void on_disconnect(const redisAsyncContext* c, int status) {
    if (status != REDIS_OK) logging::warn("redis: connection lost", {{"reason", c->errstr}});
  }

  void on_connect_timeout(std::uint64_t g) {
    if (g != gen || (st != state::connecting && st != state::handshaking)) return;
    logging::log(ever_connected ? spdlog::level::debug : spdlog::level::warn, "redis: connect timed out",
                 {{"after_ms", std::to_string(opts.connect_timeout.count())}});
    if (ac != nullptr) {
      redisAsyncFree(ac);  // runs on_context_gone, which schedules the retry
    } else {
      resolver.cancel();  // the resolve handler schedules the retry
    }
  }

  void schedule_retry() {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto delay = core::backoff_delay(opts.reconnect_min, opts.reconnect_max, attempt, unit(rng));
    if (attempt < 64) ++attempt;
    retry_timer.expires_after(delay);
    retry_timer.async_wait([w = owner](boost::system::error_code ec) {
      if (ec == asio::error::operation_aborted) return;
      auto self = w.lock();
      if (self && self->impl_->st == state::waiting_retry) self->impl_->begin_attempt();
    });
  }

  void shutdown() {
    if (st == state::stopped) return;
    st = state::stopped;
    retry_timer.cancel();
    connect_timer.cancel();
    resolver.cancel();
    if (ac != nullptr) redisAsyncFree(ac);  // fails every pending command, runs cleanup
    deadline_timer.cancel();
    deadline_armed = false;
  }
};

std::shared_ptr<redis_client> redis_client::create(asio::io_context& ioc, redis_options opts) {
  std::shared_ptr<redis_client> c(new redis_client(ioc, std::move(opts)));
  c->impl_->owner = c;
  return c;
}

redis_client::redis_client(asio::io_context& ioc, redis_options opts)
    : impl_(std::make_unique<impl>(ioc, std::move(opts))) {}

// Safe with a stopped io_context: it only cancels timers and posts the failed completions,
// which the io_context destroys (or runs, if it is restarted).
redis_client::~redis_client() { impl_->shutdown(); }

void redis_client::start() {
  if (impl_->st != impl::state::idle) return;
  impl_->begin_attempt();
}

void redis_client::stop() { impl_->shutdown(); }

bool redis_client::connected() const noexcept { return impl_->st == impl::state::connected; }

const redis_stats& redis_client::stats() const noexcept { return impl_->stats; }

asio::io_context& redis_client::context() noexcept { return impl_->ioc; }

awaitable<std::expected<redis_reply, core::error>> redis_client::async_exec(
    std::vector<std::string> args) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(result_type)>(
      [self = shared_from_this()](auto handler, std::vector<std::string> a) {
        self->impl_->submit(a, completion(std::move(handler)));
      },
      asio::use_awaitable, std::move(args));
}

awaitable<std::expected<redis_reply, core::error>> redis_client::async_exec_view(
    std::span<const std::string> args) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(result_type)>(
      [self = shared_from_this()](auto handler, std::span<const std::string> a) {
        self->impl_->submit(a, completion(std::move(handler)));
      },
      asio::use_awaitable, args);
}

void redis_client::subscribe(std::string channel, std::function<void(std::string)> on_message,
                             std::function<void()> on_subscribed) {
  impl_->sub_channel = std::move(channel);
  impl_->on_message = std::move(on_message);
  impl_->on_subscribed = std::move(on_subscribed);
}

void redis_client::exec(std::vector<std::string> args,
                        std::function<void(std::expected<redis_reply, core::error>)> done) {
  impl_->submit(args, completion(std::move(done)));
}

}  // namespace lg::store
