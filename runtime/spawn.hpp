// The one way background coroutines are started: co_spawn with a completion that logs what
// escaped (naming the task), then runs `ended` (may be empty) however the coroutine ended.
#pragma once

#include "core/asio.hpp"

#include <functional>
#include <string>

namespace lg::runtime {

void spawn_logged(asio::any_io_executor ex, awaitable<void> task, std::string what, std::function<void()> ended = {});

}  // namespace lg::runtime
