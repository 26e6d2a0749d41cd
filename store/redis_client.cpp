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

#include "store/backoff.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <spdlog/spdlog.h>

#include <array>
#include <random>

namespace lg::store {
namespace {

using result_type = std::expected<redis_reply, core::error>;
using completion = std::move_only_function<void(result_type)>;
using steady = std::chrono::steady_clock;

std::unexpected<core::error> unavailable(std::string message) {
  return std::unexpected(core::make_error(core::errc::unavailable, std::move(message)));
}

constexpr std::size_t max_recycled_records = 4096;
constexpr std::size_t inline_argc = 16;

}  // namespace

struct redis_client::impl {
  struct record {
    impl* owner = nullptr;
    record* prev = nullptr;
    record* next = nullptr;
    steady::time_point deadline;
    completion done;
    bool waiting = false;  // the caller still waits: not yet answered, failed or timed out
  };

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

  ~impl() {
    for (record* r : free_records) delete r;
  }

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
  bool want_read = false, read_armed = false;
  bool want_write = false, write_armed = false;
  bool deadline_armed = false;

  state st = state::idle;
  int handshake_left = 0;
  unsigned attempt = 0;
  bool ever_connected = false;
  std::minstd_rand rng;

  record* head = nullptr;  // waiting commands, oldest first
  record* tail = nullptr;
  std::size_t outstanding = 0;  // records hiredis still holds (waiting or timed out)
  std::vector<record*> free_records;
  redis_stats stats;

  // ---- records -------------------------------------------------------------------------

  record* acquire() {
    if (free_records.empty()) {
      auto* r = new record;
      r->owner = this;
      return r;
    }
    record* r = free_records.back();
    free_records.pop_back();
    return r;
  }

  void recycle(record* r) {
    r->done = nullptr;
    r->waiting = false;
    if (free_records.size() < max_recycled_records) {
      free_records.push_back(r);
    } else {
      delete r;
    }
  }

  void link_back(record* r) {
    r->prev = tail;
    r->next = nullptr;
    if (tail) tail->next = r; else head = r;
    tail = r;
  }

  void unlink(record* r) {
    if (r->prev) r->prev->next = r->next; else head = r->next;
    if (r->next) r->next->prev = r->prev; else tail = r->prev;
    r->prev = r->next = nullptr;
  }

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
    record* r = acquire();
    r->done = std::move(done);
    r->waiting = true;
    r->deadline = steady::now() + opts.command_timeout;
    // hiredis serializes the arguments into its output buffer before returning.
    if (redisAsyncCommandArgv(ac, &impl::on_reply, r, static_cast<int>(args.size()), argv,
                              lens) != REDIS_OK) {
      completion d = std::move(r->done);
      recycle(r);
      complete(std::move(d), unavailable("redis connection is closing"));
      return;
    }
    ++outstanding;
    ++stats.commands;
    link_back(r);
    if (!deadline_armed) arm_deadline(r->deadline);
  }

  static void on_reply(redisAsyncContext*, void* reply, void* privdata) {
    auto* r = static_cast<record*>(privdata);
    impl& self = *r->owner;
    --self.outstanding;
    if (r->waiting) {
      self.unlink(r);
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
    self.recycle(r);
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
    while (head != nullptr && head->deadline <= now) {
      record* r = head;
      unlink(r);
      r->waiting = false;  // the record lives on until hiredis hands back its late reply
      ++stats.timeouts;
      complete(std::move(r->done),
               std::unexpected(core::make_error(core::errc::timeout, "redis command timed out")));
      r->done = nullptr;
    }
    if (head != nullptr) arm_deadline(head->deadline);
  }

  // ---- event hooks ---------------------------------------------------------------------

  static impl& from(void* p) { return *static_cast<impl*>(p); }
  static void ev_add_read(void* p) { from(p).want_read = true; from(p).arm_read(); }
  static void ev_del_read(void* p) { from(p).want_read = false; }
  static void ev_add_write(void* p) { from(p).want_write = true; from(p).arm_write(); }
  static void ev_del_write(void* p) { from(p).want_write = false; }
  static void ev_cleanup(void* p) { from(p).on_context_gone(); }

  void arm_read() {
    if (read_armed || ac == nullptr) return;
    read_armed = true;
    sock.async_wait(asio::posix::stream_descriptor::wait_read,
                    [w = owner, g = gen](boost::system::error_code ec) {
                      if (auto self = w.lock()) self->impl_->on_readable(g, ec);
                    });
  }

  void arm_write() {
    if (write_armed || ac == nullptr) return;
    write_armed = true;
    sock.async_wait(asio::posix::stream_descriptor::wait_write,
                    [w = owner, g = gen](boost::system::error_code ec) {
                      if (auto self = w.lock()) self->impl_->on_writable(g, ec);
                    });
  }

  // After redisAsyncHandle* returns, `ac` may be gone (cleanup ran): touch nothing of it.
  void on_readable(std::uint64_t g, boost::system::error_code ec) {
    if (g != gen) return;
    read_armed = false;
    if (ec == asio::error::operation_aborted || ac == nullptr || !want_read) return;
    redisAsyncHandleRead(ac);
  }

  void on_writable(std::uint64_t g, boost::system::error_code ec) {
    if (g != gen) return;
    write_armed = false;
    if (ec == asio::error::operation_aborted || ac == nullptr || !want_write) return;
    redisAsyncHandleWrite(ac);
  }

  // hiredis is freeing the context (lost connection, failed connect, stop): its pending
  // callbacks already ran with a NULL reply and it closes the fd right after this returns.
  void on_context_gone() {
    if (sock.is_open()) sock.release();  // cancels our waits; hiredis closes the fd
    ac = nullptr;
    ++gen;
    want_read = want_write = read_armed = write_armed = false;
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
                               spdlog::warn("redis: cannot resolve {}: {}", me.opts.host,
                                            rec ? rec.message() : "no address");
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
      spdlog::log(ever_connected ? spdlog::level::debug : spdlog::level::warn,
                  "redis: connect failed: {}", c != nullptr ? c->errstr : "out of memory");
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
      spdlog::warn("redis: cannot watch socket: {}", ec.message());
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
      spdlog::log(self.ever_connected ? spdlog::level::debug : spdlog::level::warn,
                  "redis: connect failed: {}", c->errstr);
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
      spdlog::error("redis: connection setup refused: {}", std::string_view(r->str, r->len));
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
      spdlog::info("redis: reconnected");
    }
    ever_connected = true;
  }

  static void on_disconnect(const redisAsyncContext* c, int status) {
    if (status != REDIS_OK) spdlog::warn("redis: connection lost: {}", c->errstr);
  }

  void on_connect_timeout(std::uint64_t g) {
    if (g != gen || (st != state::connecting && st != state::handshaking)) return;
    spdlog::log(ever_connected ? spdlog::level::debug : spdlog::level::warn,
                "redis: connect timed out after {} ms", opts.connect_timeout.count());
    if (ac != nullptr) {
      redisAsyncFree(ac);  // runs on_context_gone, which schedules the retry
    } else {
      resolver.cancel();  // the resolve handler schedules the retry
    }
  }

  void schedule_retry() {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto delay = backoff_delay(opts.reconnect_min, opts.reconnect_max, attempt, unit(rng));
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

void redis_client::exec(std::vector<std::string> args,
                        std::function<void(std::expected<redis_reply, core::error>)> done) {
  impl_->submit(args, completion(std::move(done)));
}

}  // namespace lg::store
