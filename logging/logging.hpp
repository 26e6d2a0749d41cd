// Process logging: spdlog writing JSON lines ({"ts","level","msg",...fields}) or plain text,
// and the masks applied whenever a phone number or an email address is written to a log.
#pragma once

#include <spdlog/spdlog.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace lg::logging {

// Installs the default logger on stderr. `format` is "json" or "text"; `level` one of
// trace, debug, info, warn, error. Unknown level names fall back to info.
void init(std::string_view level, std::string_view format);

using field = std::pair<std::string_view, std::string_view>;

// Logs `msg` with extra string fields; in JSON mode each field becomes a member of the line.
void log(spdlog::level::level_enum lvl, std::string_view msg, std::initializer_list<field> fields = {});
// Whether a line at `lvl` would be written (skip building costly fields when not).
inline bool enabled(spdlog::level::level_enum lvl) { return spdlog::default_logger_raw()->should_log(lvl); }
inline void debug(std::string_view msg, std::initializer_list<field> fields = {}) {
  log(spdlog::level::debug, msg, fields);
}
inline void info(std::string_view msg, std::initializer_list<field> fields = {}) {
  log(spdlog::level::info, msg, fields);
}
inline void warn(std::string_view msg, std::initializer_list<field> fields = {}) {
  log(spdlog::level::warn, msg, fields);
}
inline void error(std::string_view msg, std::initializer_list<field> fields = {}) {
  log(spdlog::level::err, msg, fields);
}

// "+84912345678" -> "+849****5678": keeps the country prefix and the last four digits.
std::string mask_phone(std::string_view phone);
// "lan@example.com" -> "l***@example.com"; anything without '@' -> "***".
std::string mask_email(std::string_view email);

// JSON string escaping (quotes not included) used by the JSON formatter.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace lg::logging
