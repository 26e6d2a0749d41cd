// The HTTP server: one io_context per thread, one acceptor on thread 0 handing sockets to
// the threads round robin, one coroutine per connection (HTTP/1.1 keep-alive), bounded
// headers, bodies, timeouts and connection count, and a graceful shutdown. Every thread
// owns one Redis connection that all of its requests share (pipelined by hiredis).
#pragma once

#include "config/config.hpp"
#include "core/asio.hpp"
#include "gateway/metrics.hpp"
#include "gateway/router.hpp"
#include "store/redis_client.hpp"

#include <atomic>
#include <memory>
#include <string>

namespace lg::gateway {

struct server_options {
  config::server_config server;  // listen, port, threads, limits, timeouts
  store::redis_options redis;
  bool handle_signals = false;   // SIGTERM/SIGINT start the graceful shutdown
  lg::spool::spool* spool = nullptr;  // the local spool the request path falls back to; must outlive the server
};

class server {
 public:
  server(server_options opts, const router& routes, metrics& stats);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds the listening socket and creates the threads' io_contexts and Redis clients.
  // Throws boost::system::system_error when the address cannot be bound.
  void start();
  // The bound port (useful with port 0) and address, valid after start().
  unsigned short port() const noexcept;
  std::string address() const;
  std::size_t thread_count() const noexcept;

  // Runs every thread (the caller's included) until the shutdown has finished.
  void run();
  // Starts the graceful shutdown; safe from any thread, idempotent.
  void stop();

  struct state;  // shared with the connection coroutines (server_internal.hpp)

 private:
  std::unique_ptr<state> state_;
};

}  // namespace lg::gateway
