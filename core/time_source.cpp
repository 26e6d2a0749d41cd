// See time_source.hpp.
#include "core/time_source.hpp"

namespace lg::core {
namespace {

class system_time final : public time_source {
 public:
  std::chrono::system_clock::time_point now() const noexcept override { return std::chrono::system_clock::now(); }
};

}  // namespace

const time_source& real_time() noexcept {
  static const system_time clock;
  return clock;
}

}  // namespace lg::core
