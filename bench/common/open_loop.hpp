// The open-loop HTTP POST sender of leadgate's load benchmarks (lg_loadgen, lg_assign_bench).
//
// A closed loop (wrk) slows down with the server and so hides the wait a client sees
// (coordinated omission). Here request i of connection c is due at start + (i * connections + c)
// / rate; it is built before its due time, sent when due over the connection's keep-alive
// stream, and its latency counts from when it was due, not from when it could be sent.
#pragma once

#include "core/asio.hpp"

#include <CLI/CLI.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace lg::bench {

using clock_type = std::chrono::steady_clock;
namespace http = boost::beast::http;

// The load: where, how fast, how long. begin() fixes the schedule's times from now.
struct open_loop {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::string path = "/v1/forms/website";
  double rate = 1000;          // requests per second, all connections together
  double duration = 10;        // seconds measured, after the warm-up
  double warmup = 2;           // seconds sent before measuring
  unsigned connections = 32;   // keep-alive connections
  unsigned long long first = 0;  // first request number (keeps runs' phones apart)
  clock_type::time_point start, warm_end, end;

  // --host --port --path --rate --duration --warmup --connections --first; `what` names a
  // request in the help ("requests", "posts").
  void add_options(CLI::App& app, const std::string& what) {
    app.add_option("--host", host, "server IPv4/IPv6 address");
    app.add_option("--port", port, "server port")->required();
    app.add_option("--path", path, "request path");
    app.add_option("--rate", rate, what + " per second")->check(CLI::PositiveNumber);
    app.add_option("--duration", duration, "seconds of measured load")->check(CLI::PositiveNumber);
    app.add_option("--warmup", warmup, "seconds sent before measuring");
    app.add_option("--connections", connections, "keep-alive connections")->check(CLI::Range(1u, 4096u));
    app.add_option("--first", first, "first request number (keeps runs apart)");
  }
  void begin() {
    auto secs = [](double s) { return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s)); };
    start = clock_type::now() + std::chrono::milliseconds(100);
    warm_end = start + secs(warmup);
    end = warm_end + secs(duration);
  }
  std::size_t expected_requests() const { return static_cast<std::size_t>(rate * (duration + warmup)) + 16; }
};

struct send_counts {
  std::uint64_t sent = 0, ok = 0, non2xx = 0, failed = 0;
};

// One connection's share of the schedule. make(n) builds request number n (a distinct number
// per request across connections, from plan.first) to plan.path; answer(due, response) sees each
// answer received, 2xx or not. Connection errors count as failed and the next request reconnects.
template <class Make, class Answer>
awaitable<void> send_open_loop(const open_loop& plan, unsigned index, Make make, Answer answer, send_counts& counts) {
  namespace beast = boost::beast;
  using tcp = boost::asio::ip::tcp;
  auto ex = co_await boost::asio::this_coro::executor;
  beast::tcp_stream stream(ex);
  boost::asio::steady_timer timer(ex);
  beast::flat_buffer buffer;
  bool open = false;
  const auto step = std::chrono::duration<double>(plan.connections / plan.rate);
  const auto offset = std::chrono::duration<double>(index / plan.rate);
  auto close = [&] {
    beast::error_code ignored;
    stream.socket().close(ignored);
    open = false;
  };
  for (unsigned long long i = 0;; ++i) {
    const auto due = plan.start + std::chrono::duration_cast<clock_type::duration>(step * static_cast<double>(i) + offset);
    if (due >= plan.end) break;
    http::request<http::string_body> req = make(plan.first + i * plan.connections + index);
    req.method(http::verb::post);
    req.target(plan.path);
    if (req.find(http::field::host) == req.end()) req.set(http::field::host, plan.host);
    req.prepare_payload();
    req.keep_alive(true);
    if (clock_type::now() < due) {
      timer.expires_at(due);
      boost::system::error_code ec;
      co_await timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }

    boost::system::error_code ec;
    if (!open) {
      stream.expires_after(std::chrono::seconds(5));
      co_await stream.async_connect(tcp::endpoint(boost::asio::ip::make_address(plan.host), plan.port),
                                    boost::asio::redirect_error(boost::asio::use_awaitable, ec));
      if (ec) {
        ++counts.failed;
        continue;
      }
      stream.socket().set_option(tcp::no_delay(true));
      open = true;
    }
    stream.expires_after(std::chrono::seconds(10));
    ++counts.sent;
    co_await http::async_write(stream, req, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    http::response<http::string_body> resp;
    if (!ec) co_await http::async_read(stream, buffer, resp, boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec) {
      ++counts.failed;
      close();
      continue;
    }
    if (resp.result_int() / 100 == 2) ++counts.ok; else ++counts.non2xx;
    answer(due, resp);
    if (!resp.keep_alive()) close();
  }
}

// Runs the whole schedule (plan.begin() first) on ioc, one coroutine per connection.
template <class Make, class Answer>
void run_open_loop(boost::asio::io_context& ioc, const open_loop& plan, Make make, Answer answer, send_counts& counts) {
  for (unsigned c = 0; c < plan.connections; ++c)
    boost::asio::co_spawn(ioc, send_open_loop(plan, c, make, answer, counts), boost::asio::detached);
  ioc.run();
}

// The p-th percentile (0-100) of v, nearest rank below; reorders v. 0 when v is empty.
inline double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace lg::bench
