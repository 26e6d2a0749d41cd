// What an adapter sees of one HTTP delivery: the raw body (signatures are computed on it),
// the headers, the query, and who sent it. Owned by the gateway; adapters only read it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::adapters {

struct inbound_request {
  std::string method;       // "POST", "GET", ...
  std::string target;       // path + query as received
  std::string path;         // without the query
  std::string query;        // after '?', not decoded
  std::string source_id;    // the {source} segment
  std::string body;         // raw bytes
  std::string content_type; // full header value
  std::string remote_ip;    // client IP after trusted-proxy processing
  std::string user_agent;
  std::string received_at;  // RFC 3339 UTC with ms
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased

  // First header with that (lower-case) name.
  std::optional<std::string_view> header(std::string_view lower_name) const;
};

}  // namespace lg::adapters
