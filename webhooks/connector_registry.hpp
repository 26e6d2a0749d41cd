// The destination types leadgate can deliver to, each built by the factory its own folder under
// connectors/ defines (connectors/<type>/<type>_factory.cpp). The list is made from those
// folders when the build is configured, so a new connector is one folder: nothing else names it.
#pragma once

#include "config/config.hpp"
#include "core/error.hpp"
#include "store/assignments.hpp"
#include "store/redis_client.hpp"
#include "webhooks/connector.hpp"

#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lg::webhooks {

// What a factory builds a destination with.
struct connector_context {
  asio::any_io_executor executor;               // the delivery thread's
  std::shared_ptr<store::redis_client> redis;   // shared with the delivery workers
  std::string tenant;
  std::string extra_ca_file;                    // trusted besides the system store
  // The tenant's local time of an instant (rules, working hours, SLA of pulled reassignments).
  std::function<store::clock_point(std::int64_t epoch_ms)> local_time;
};

struct connector_parts {
  std::unique_ptr<connector> push;
  std::shared_ptr<puller> pull;  // null unless the destination pulls (direction two_way)
};

class connector_factory {
 public:
  virtual ~connector_factory() = default;
  virtual std::string_view type() const noexcept = 0;
  // What check-config says of the destination, without I/O: its type's options. The error's
  // field is the path below the destination ("options.page_size").
  virtual std::expected<void, core::error> check(const config::destination_config& d) const = 0;
  virtual std::expected<connector_parts, core::error> make(const config::destination_config& d,
                                                           const connector_context& ctx) const = 0;
};

// nullptr for a type no folder defines.
const connector_factory* find_connector_factory(std::string_view type);
// Every registered type, sorted.
std::vector<std::string_view> connector_types();

}  // namespace lg::webhooks
