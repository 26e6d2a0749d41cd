// Building HTTP answers: JSON bodies, project errors rendered as {"error":{…}} with the
// status their errc maps to. The session sets version and keep-alive afterwards.
#pragma once

#include "core/error.hpp"

#include <boost/beast/http.hpp>

#include <string>

namespace lg::gateway {

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

response json_response(http::status status, std::string body);
// Status from core::http_status(err.code); body err.to_json().
response error_response(const core::error& err);
// Same body, explicit status (431, or 503 for a timeout).
response error_response(http::status status, const core::error& err);

}  // namespace lg::gateway
