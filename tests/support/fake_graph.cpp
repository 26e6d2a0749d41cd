// The request handling of the fake Graph API of fake_graph.hpp.
#include "support/fake_graph.hpp"

#include <algorithm>
#include <cctype>

namespace lg::test {

fake_graph::fake_graph(std::string page_token, std::size_t page_size)
    : token_(std::move(page_token)), page_size_(page_size),
      server_([this](const served_request& r) { return handle(r); }) {}

scripted_reply fake_graph::json_reply(unsigned status, const nlohmann::json& j) {
  return scripted_reply{status, {{"Content-Type", "application/json"}}, j.dump()};
}

scripted_reply fake_graph::error_reply(unsigned status, int code, const std::string& message) {
  return json_reply(status, {{"error", {{"message", message}, {"type", "OAuthException"}, {"code", code}}}});
}

nlohmann::json fake_graph::lead_json(const lead& l) const {
  nlohmann::json fd = nlohmann::json::array();
  for (const auto& [name, value] : l.fields) fd.push_back({{"name", name}, {"values", {value}}});
  return {{"id", l.id}, {"created_time", graph_time(l.created)}, {"form_id", l.form_id}, {"field_data", fd}};
}

nlohmann::json fake_graph::user_json(const std::string& psid, const user& u, const std::string& fields) {
  nlohmann::json j{{"id", psid}};
  const std::pair<const char*, const std::string*> known[] = {
      {"first_name", &u.first_name}, {"last_name", &u.last_name}, {"name", &u.name}};
  for (const auto& [key, value] : known) {
    if (!value->empty() && ("," + fields + ",").find("," + std::string(key) + ",") != std::string::npos) j[key] = *value;
  }
  return j;
}

scripted_reply fake_graph::handle(const served_request& r) {
  std::lock_guard lock(mu_);
  targets_.push_back(r.target);
  for (auto it = scripted_.begin(); it != scripted_.end(); ++it) {
    if (r.target.find(it->first) != std::string::npos) {
      auto out = it->second;
      scripted_.erase(it);
      return out;
    }
  }
  if (std::string(r.headers[boost::beast::http::field::authorization]) != "Bearer " + token_)
    return error_reply(400, 190, "Invalid OAuth access token.");
  const auto q = r.target.find('?');
  std::string path = r.target.substr(0, q);
  auto params = parse_pairs(q == std::string::npos ? "" : std::string_view(r.target).substr(q + 1));
  if (!path.starts_with("/v19.0/")) return error_reply(400, 2500, "Unknown path components");
  path = path.substr(7);
  if (path.ends_with("/leads")) return list(path.substr(0, path.size() - 6), params);
  if (auto u = users_.find(path); u != users_.end()) return json_reply(200, user_json(path, u->second, params["fields"]));
  auto l = leads_.find(path);
  if (l == leads_.end()) return error_reply(400, 100, "Object with ID '" + path + "' does not exist");
  return json_reply(200, lead_json(l->second));
}

scripted_reply fake_graph::list(const std::string& form, std::map<std::string, std::string>& params) {
  std::int64_t after = 0;
  auto filter = nlohmann::json::parse(params["filtering"], nullptr, false);
  if (filter.is_array()) {
    for (const auto& f : filter)
      if (f.value("field", "") == "time_created" && f.value("operator", "") == "GREATER_THAN")
        after = f.at("value").get<std::int64_t>();
  }
  std::vector<const lead*> match;
  for (const auto& [_, l] : leads_)
    if (l.form_id == form && l.created > after) match.push_back(&l);
  std::sort(match.begin(), match.end(), [](auto* a, auto* b) { return a->created > b->created; });
  std::size_t offset = params.contains("after") ? std::stoul(params["after"]) : 0;
  nlohmann::json data = nlohmann::json::array();
  for (std::size_t i = offset; i < match.size() && i < offset + page_size_; ++i) data.push_back(lead_json(*match[i]));
  nlohmann::json body{{"data", data}};
  if (offset + page_size_ < match.size()) {
    const std::string next_cursor = std::to_string(offset + page_size_);
    // The next link repeats the filter (URL-encoded) and carries the page cursor.
    body["paging"]["cursors"]["after"] = next_cursor;
    body["paging"]["next"] = server_.url("/v19.0/" + form + "/leads?filtering=") + encode(params["filtering"]) +
                             "&after=" + next_cursor;
  }
  return json_reply(200, body);
}

std::string fake_graph::encode(const std::string& s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace lg::test
