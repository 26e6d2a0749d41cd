// The web form and landing page adapter: POST /v1/forms/{source} with a body in
// application/x-www-form-urlencoded, multipart/form-data or JSON. Parses the body into
// fields, maps field names by the source's field_map, normalizes, checks the required
// fields and the honeypot, and produces one lead event.
#pragma once

#include "adapters/inbound_request.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/lead_event.hpp"

#include <expected>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lg::adapters::web_form {

using field_list = std::vector<std::pair<std::string, std::string>>;

// Body parsers (bounded by max_fields / max_field_length; errors name the field).
std::expected<field_list, core::error> parse_urlencoded(std::string_view body, std::size_t max_fields,
                                                        std::size_t max_field_length);
std::expected<field_list, core::error> parse_multipart(std::string_view body, std::string_view content_type,
                                                       std::size_t max_fields, std::size_t max_field_length);
// JSON object: scalar members become fields; nested objects flatten with '.'; arrays of
// {name,value} (LadiPage's form_data) become fields too.
std::expected<field_list, core::error> parse_json(std::string_view body, std::size_t max_fields,
                                                  std::size_t max_field_length);

// The result of a form post: either a lead event to accept, or "honeypot tripped" (the
// caller answers as if accepted and records nothing but a metric).
struct form_result {
  core::lead_event event;  // event_id = "web_form:<hash of source + normalized fields>"
  bool honeypot = false;
};

// Which target each input name feeds for one source (its field_map, then its preset), and its
// honeypot field, lower-cased. Built once per source: the request path only looks names up.
class field_mapping {
 public:
  explicit field_mapping(const config::source_config& src);
  // The target of a lower-cased input name, or nullptr.
  const std::string* target(std::string_view lower_name) const;
  const std::string& honeypot() const noexcept { return honeypot_; }

 private:
  std::map<std::string, std::string, std::less<>> table_;
  std::string honeypot_;
};

std::expected<form_result, core::error> parse_form(const config::source_config& src,
                                                   const inbound_request& req);
// The same with the source's mapping built beforehand (the gateway keeps one per source).
std::expected<form_result, core::error> parse_form(const config::source_config& src, const field_mapping& mapping,
                                                   const inbound_request& req);

// The source's token check (?token= or X-Leadgate-Token), constant time. Ok when the source has none.
bool token_ok(const config::source_config& src, const inbound_request& req);

}  // namespace lg::adapters::web_form
