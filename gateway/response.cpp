// Response helpers; see response.hpp.
#include "gateway/response.hpp"

namespace lg::gateway {

response json_response(http::status status, std::string body) {
  response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  return res;
}

response error_response(const core::error& err) {
  return error_response(static_cast<http::status>(core::http_status(err.code)), err);
}

response error_response(http::status status, const core::error& err) {
  return json_response(status, err.to_json());
}

}  // namespace lg::gateway
