// The leadgate error category and the JSON rendering of core::error.
// code_name() strings are part of the HTTP API (clients switch on them): never rename one.
#include "core/error.hpp"
#include "core/json_text.hpp"

#include <nlohmann/json.hpp>

namespace lg::core {
namespace {

class leadgate_category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "leadgate"; }
  std::string message(int ev) const override {
    return std::string(code_name(static_cast<errc>(ev)));
  }
};

}  // namespace

const boost::system::error_category& category() noexcept {
  static const leadgate_category instance;
  return instance;
}

boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), category()};
}

std::string_view code_name(errc e) noexcept {
  switch (e) {
    case errc::ok: return "ok";
    case errc::bad_request: return "bad_request";
    case errc::missing_field: return "missing_field";
    case errc::invalid_field: return "invalid_field";
    case errc::unauthorized: return "unauthorized";
    case errc::forbidden: return "forbidden";
    case errc::not_found: return "not_found";
    case errc::method_not_allowed: return "method_not_allowed";
    case errc::conflict: return "conflict";
    case errc::precondition_failed: return "precondition_failed";
    case errc::payload_too_large: return "payload_too_large";
    case errc::unsupported_media_type: return "unsupported_media_type";
    case errc::rate_limited: return "rate_limited";
    case errc::unavailable: return "unavailable";
    case errc::timeout: return "timeout";
    case errc::internal: return "internal";
  }
  // An int cast into errc that names no enumerator (e.g. from a foreign error_code value).
  return "unknown";
}

unsigned http_status(errc e) noexcept {
  switch (e) {
    case errc::ok: return 200;
    case errc::bad_request:
    case errc::missing_field:
    case errc::invalid_field: return 400;
    case errc::unauthorized: return 401;
    case errc::forbidden: return 403;
    case errc::not_found: return 404;
    case errc::method_not_allowed: return 405;
    case errc::conflict: return 409;
    case errc::precondition_failed: return 412;
    case errc::payload_too_large: return 413;
    case errc::unsupported_media_type: return 415;
    case errc::rate_limited: return 429;
    // A timeout here is a dependency (Redis) running out of time, not the client's gateway
    // timing out, so it reads as "try again" like unavailable; providers retry on 503.
    case errc::unavailable:
    case errc::timeout: return 503;
    case errc::internal: return 500;
  }
  return 500;
}

std::string error::to_json() const {
  nlohmann::json body = {{"code", code_name(code)}, {"message", message}};
  if (!field.empty()) body["field"] = field;
  // Replace, not throw, on invalid UTF-8: a message may quote what a client sent.
  return core::json_text(nlohmann::json{{"error", std::move(body)}});
}

std::string exception_text(std::exception_ptr e) {
  if (!e) return {};
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace lg::core
