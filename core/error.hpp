// The project's error vocabulary: one errc enum with a boost::system category, and the
// `error` value (code + human message + offending field) that the request path returns
// through std::expected and that the HTTP layer renders as {"error":{code,message,field}}.
#pragma once

#include <boost/system/error_code.hpp>

#include <exception>
#include <string>
#include <string_view>

namespace lg::core {

enum class errc {
  ok = 0,
  bad_request,             // 400 malformed input (syntax, encoding)
  missing_field,           // 400 a required field is absent or empty
  invalid_field,           // 400 a field is present but not valid
  unauthorized,            // 401 missing or wrong credentials / signature
  forbidden,               // 403 authenticated but not allowed
  not_found,               // 404 unknown route, source or record
  method_not_allowed,      // 405
  conflict,                // 409
  precondition_failed,     // 412
  payload_too_large,       // 413
  unsupported_media_type,  // 415
  rate_limited,            // 429
  unavailable,             // 503 a dependency (Redis) is down or a queue is full
  timeout,                 // 503/504 an operation ran out of time
  internal,                // 500
};

const boost::system::error_category& category() noexcept;
boost::system::error_code make_error_code(errc e) noexcept;

// Stable machine-readable name used in JSON error bodies ("missing_field", ...).
std::string_view code_name(errc e) noexcept;
// The HTTP status an errc maps to.
unsigned http_status(errc e) noexcept;

struct error {
  errc code = errc::internal;
  std::string message;
  std::string field;  // empty when the error is not about one field

  // {"error":{"code":"…","message":"…","field":"…"}} (field omitted when empty).
  std::string to_json() const;
};

// What an exception a coroutine ended with says ("unknown exception" for a non-std one): for
// co_spawn completion handlers that log why a loop stopped.
std::string exception_text(std::exception_ptr e);

inline error make_error(errc c, std::string message, std::string field = {}) {
  return error{c, std::move(message), std::move(field)};
}

}  // namespace lg::core

namespace boost::system {
template <>
struct is_error_code_enum<lg::core::errc> : std::true_type {};
}  // namespace boost::system
