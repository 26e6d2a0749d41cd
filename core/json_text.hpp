// The one way leadgate writes JSON text: compact, and invalid UTF-8 (a name a client sent, a
// provider's reply) replaced by U+FFFD instead of throwing, so no input can make a write fail.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace lg::core {

inline std::string json_text(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace lg::core
