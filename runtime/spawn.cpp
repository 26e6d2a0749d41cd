// See spawn.hpp.
#include "runtime/spawn.hpp"

#include "core/error.hpp"
#include "logging/logging.hpp"

namespace lg::runtime {

void spawn_logged(asio::any_io_executor ex, awaitable<void> task, std::string what, std::function<void()> ended) {
  asio::co_spawn(ex, std::move(task), [what = std::move(what), ended = std::move(ended)](std::exception_ptr e) {
    if (e) logging::error("background task ended by an exception", {{"task", what}, {"reason", core::exception_text(e)}});
    if (ended) ended();
  });
}

}  // namespace lg::runtime
