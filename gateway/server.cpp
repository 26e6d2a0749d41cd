// Threads, acceptor and graceful shutdown; the per-connection loop is in session.cpp.
#include "gateway/server_internal.hpp"
#include "runtime/spawn.hpp"

#include "logging/logging.hpp"


#include <chrono>

namespace lg::gateway {
namespace {

using namespace std::chrono_literals;
using asio::redirect_error;
using asio::use_awaitable;

awaitable<void> accept_loop(server::state& s) {
  boost::system::error_code ec;
  asio::steady_timer backoff(s.acceptor->get_executor());
  for (;;) {
    auto& w = *s.workers[s.next_worker];
    s.next_worker = (s.next_worker + 1) % s.workers.size();
    tcp::socket socket(w.ioc);
    co_await s.acceptor->async_accept(socket, redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !s.acceptor->is_open()) co_return;
    if (ec) {
      // EMFILE and friends: wait a little instead of spinning on the same error.
      logging::warn("accept failed", {{"error", ec.message()}});
      backoff.expires_after(50ms);
      co_await backoff.async_wait(redirect_error(use_awaitable, ec));
      continue;
    }
    if (s.open_connections.load(std::memory_order_relaxed) >= s.opts.server.max_connections) {
      runtime::spawn_logged(w.ioc.get_executor(), refuse_connection(std::move(socket), s.opts.server.write_timeout),
                            "refuse connection");
      continue;
    }
    s.open_connections.fetch_add(1, std::memory_order_relaxed);
    runtime::spawn_logged(w.ioc.get_executor(), run_session(w, s, std::move(socket)), "session");
  }
}

// Runs `f` on every worker's thread.
template <class F>
void on_each_worker(server::state& s, F f) {
  for (auto& w : s.workers) asio::post(w->ioc, [&wk = *w, f] { f(wk); });
}

awaitable<void> shutdown(server::state& s) {
  boost::system::error_code ec;
  s.acceptor->close(ec);
  if (s.signals) s.signals->cancel(ec);
  // Idle keep-alive connections go at once; busy ones finish their request and then close
  // (the session sees `stopping` and answers with Connection: close).
  on_each_worker(s, [](worker& w) {
    w.stopping = true;
    for (auto* c : w.connections) {
      if (c->idle) c->stream->socket().close();
    }
  });
  asio::steady_timer timer(s.acceptor->get_executor());
  const auto deadline = std::chrono::steady_clock::now() + s.opts.server.shutdown_grace;
  while (s.open_connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    timer.expires_after(10ms);
    co_await timer.async_wait(redirect_error(use_awaitable, ec));
  }
  if (s.open_connections.load() > 0) {
    logging::warn("shutdown grace over; closing connections",
                 {{"open", std::to_string(s.open_connections.load())}});
    on_each_worker(s, [](worker& w) {
      for (auto* c : w.connections) c->stream->socket().close();
    });
    const auto hard = std::chrono::steady_clock::now() + 1s;
    while (s.open_connections.load() > 0 && std::chrono::steady_clock::now() < hard) {
      timer.expires_after(10ms);
      co_await timer.async_wait(redirect_error(use_awaitable, ec));
    }
  }
  on_each_worker(s, [](worker& w) {
    if (w.redis) w.redis->stop();
    w.guard.reset();
    w.ioc.stop();
  });
}

}  // namespace

server::server(server_options opts, const router& routes, metrics& stats)
    : state_(std::make_unique<state>(std::move(opts), routes, stats)) {}

server::~server() {
  for (auto& w : state_->workers) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void server::start() {
  auto& s = *state_;
  unsigned n = s.opts.server.threads;
  if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) {
    auto w = std::make_unique<worker>(i);
    w->guard.emplace(w->ioc.get_executor());
    w->redis = store::redis_client::create(w->ioc, s.opts.redis);
    s.workers.push_back(std::move(w));
  }
  auto& ioc0 = s.workers.front()->ioc;
  const tcp::endpoint ep(asio::ip::make_address(s.opts.server.listen), s.opts.server.port);
  s.acceptor.emplace(ioc0);
  s.acceptor->open(ep.protocol());
  s.acceptor->set_option(asio::socket_base::reuse_address(true));
  s.acceptor->bind(ep);
  s.acceptor->listen(asio::socket_base::max_listen_connections);
  s.bound = s.acceptor->local_endpoint();
  if (s.opts.handle_signals) {
    s.signals.emplace(ioc0, SIGTERM, SIGINT);
    s.signals->async_wait([this](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      logging::info("signal received; shutting down", {{"signal", std::to_string(sig)}});
      stop();
    });
  }
}

unsigned short server::port() const noexcept { return state_->bound.port(); }
std::string server::address() const { return state_->bound.address().to_string(); }
std::size_t server::thread_count() const noexcept { return state_->workers.size(); }

void server::run() {
  auto& s = *state_;
  for (auto& w : s.workers) {
    asio::post(w->ioc, [wk = w.get()] { wk->redis->start(); });
  }
  runtime::spawn_logged(s.workers.front()->ioc.get_executor(), accept_loop(s), "accept");
  for (std::size_t i = 1; i < s.workers.size(); ++i) {
    auto* w = s.workers[i].get();
    w->thread = std::thread([w] { w->ioc.run(); });
  }
  s.workers.front()->ioc.run();
  for (auto& w : s.workers) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void server::stop() {
  auto& s = *state_;
  if (s.workers.empty() || s.stop_requested.exchange(true)) return;
  runtime::spawn_logged(s.workers.front()->ioc.get_executor(), shutdown(s), "shutdown");
}

}  // namespace lg::gateway
