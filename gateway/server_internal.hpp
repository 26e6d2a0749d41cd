// What the server's threads and connection coroutines share. Private to gateway/.
#pragma once

#include "gateway/server.hpp"

#include <boost/beast/core/tcp_stream.hpp>

#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

namespace lg::gateway {

namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// A live connection as its worker sees it: shutdown closes the idle ones at once.
struct connection {
  beast::tcp_stream* stream = nullptr;
  bool idle = true;  // waiting for the first byte of a request
};

struct worker {
  explicit worker(std::size_t i) : index(i) {}
  std::size_t index;
  // Declared before the io_context so it outlives the coroutine frames the io_context
  // may still destroy; touched only on this worker's thread.
  std::unordered_set<connection*> connections;
  bool stopping = false;
  asio::io_context ioc{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
  std::shared_ptr<store::redis_client> redis;
  std::thread thread;
};

struct server::state {
  state(server_options o, const router& r, metrics& m) : opts(std::move(o)), routes(r), stats(m) {}
  server_options opts;
  const router& routes;
  metrics& stats;
  std::vector<std::unique_ptr<worker>> workers;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  tcp::endpoint bound;
  std::atomic<std::size_t> open_connections{0};
  std::atomic<bool> stop_requested{false};
  std::size_t next_worker = 0;
};

// One connection's request loop; open_connections was incremented by the acceptor and is
// decremented when this returns.
awaitable<void> run_session(worker& w, server::state& s, tcp::socket socket);
// Over max_connections: answer 503 and close without reading a request.
awaitable<void> refuse_connection(tcp::socket socket, std::chrono::milliseconds write_timeout);

}  // namespace lg::gateway
