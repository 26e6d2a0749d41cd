// The route table: method + path pattern ("/v1/forms/{source}") -> handler coroutine.
// Unknown paths answer 404 and known paths with the wrong method 405 with Allow, both as
// JSON errors. The matched pattern (never the raw path) names the route in metrics.
#pragma once

#include "core/asio.hpp"
#include "gateway/response.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::store {
class redis_client;
}
namespace lg::spool {
class spool;
}

namespace lg::gateway {

using route_params = std::vector<std::pair<std::string_view, std::string_view>>;

// Everything a handler may use for one request. The request is mutable so handlers can move
// the body out; everything else is borrowed from the session or its worker thread.
struct request_context {
  request& req;
  std::string_view path;   // target without the query
  std::string_view query;  // after '?', not decoded
  route_params params;
  asio::ip::address peer;
  std::chrono::system_clock::time_point received_at;
  store::redis_client* redis = nullptr;  // this thread's connection
  lg::spool::spool* spool = nullptr;     // the process's local spool; null when it has none
  std::size_t worker_index = 0;

  std::string_view param(std::string_view name) const noexcept;
};

using handler = std::function<awaitable<response>(request_context&)>;

class router {
 public:
  // `pattern` segments are literals or "{name}" (one whole segment). Throws
  // std::invalid_argument on a malformed pattern (startup only).
  void add(http::verb method, std::string_view pattern, handler h);

  struct match_result {
    enum class kind { found, not_found, method_not_allowed } outcome = kind::not_found;
    const handler* target = nullptr;
    std::string_view pattern;  // the matched route's pattern ("" when not found)
    route_params params;
    std::string allow;  // the Allow header for method_not_allowed, such as: GET, POST
  };
  // Pure lookup; params point into `path`.
  match_result match(http::verb method, std::string_view path) const;

  // Matches ctx.path and runs the handler, or answers 404/405. Sets `route_label` to the
  // pattern, or "unmatched".
  awaitable<response> dispatch(request_context& ctx, std::string_view& route_label) const;

  // Every pattern, in insertion order (metrics pre-create their series from it).
  std::vector<std::string_view> patterns() const;

 private:
  struct route {
    std::string pattern;
    std::vector<std::string> segments;  // "{x}" kept as is
    std::vector<std::pair<http::verb, handler>> methods;
  };
  std::vector<route> routes_;
};

// Splits "a/b?c" into path and query.
std::pair<std::string_view, std::string_view> split_target(std::string_view target) noexcept;

}  // namespace lg::gateway
