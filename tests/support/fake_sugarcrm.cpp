// The request handling and record store of the local SugarCRM of fake_sugarcrm.hpp.
#include "support/fake_sugarcrm.hpp"

#include <algorithm>
#include <cstdio>

namespace lg::test {

fake_sugarcrm::fake_sugarcrm(std::string username, std::string password, std::string client_id)
    : username_(std::move(username)), password_(std::move(password)), client_id_(std::move(client_id)),
      server_([this](const served_request& r) { return handle(r); }, https_server_options{false, {}, {}}) {}

bool fake_sugarcrm::edit_as_user(const std::string& id, const nlohmann::json& fields) {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end()) return false;
  for (const auto& [k, v] : fields.items()) it->second[k] = v;
  touch(it->second, human_user_id);
  return true;
}

bool fake_sugarcrm::delete_as_user(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end() || it->second.value("deleted", false)) return false;
  it->second["deleted"] = true;
  touch(it->second, human_user_id);
  return true;
}

std::string fake_sugarcrm::create_as_user(nlohmann::json fields) {
  std::lock_guard lock(mu_);
  return create(std::move(fields), human_user_id);
}

std::vector<nlohmann::json> fake_sugarcrm::records() const {
  std::lock_guard lock(mu_);
  std::vector<nlohmann::json> out;
  for (const auto& [id, r] : records_) out.push_back(r);
  return out;
}

std::optional<nlohmann::json> fake_sugarcrm::record(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end()) return std::nullopt;
  return it->second;
}

scripted_reply fake_sugarcrm::json_reply(unsigned status, const nlohmann::json& j) {
  return scripted_reply{status, {{"content-type", "application/json"}}, j.dump(), {}, false, false};
}

scripted_reply fake_sugarcrm::error_reply(unsigned status, const std::string& code, const std::string& message) {
  return json_reply(status, {{"error", code}, {"error_message", message}});
}

std::int64_t fake_sugarcrm::now_s() const {
  if (frozen_ != 0) return frozen_;
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void fake_sugarcrm::touch(nlohmann::json& r, const std::string& user) {
  r["date_modified"] = format_time(now_s());
  r["modified_user_id"] = user;
}

std::string fake_sugarcrm::create(nlohmann::json fields, const std::string& user) {
  char id[40];
  std::snprintf(id, sizeof id, "lead-%04zu", ++seq_);
  fields["id"] = id;
  if (!fields.contains("status")) fields["status"] = "New";
  fields["deleted"] = false;
  touch(fields, user);
  records_[id] = std::move(fields);
  return id;
}

bool fake_sugarcrm::matches(const nlohmann::json& r, const std::map<std::string, std::string>& q) {
  for (const auto& [k, v] : q) {
    if (!k.starts_with("filter[0][")) continue;
    auto rest = k.substr(10);
    auto close = rest.find(']');
    const auto field = rest.substr(0, close);
    std::string op = "$equals";
    auto after = rest.substr(close + 1);
    if (after.size() > 2 && after.front() == '[') op = after.substr(1, after.size() - 2);
    if (field == "email") {
      bool any = false;
      if (r.contains("email") && r["email"].is_array())
        for (const auto& e : r["email"]) any = any || e.value("email_address", "") == v;
      if (!any) return false;
      continue;
    }
    const auto have = r.contains(field) && r[field].is_string() ? r[field].get<std::string>() : std::string();
    if (op == "$equals") {
      if (have != v) return false;
    } else if (op == "$gte") {
      // date_modified values are all "+00:00" here, so they order as text; the connector's
      // cursor may carry another offset, which a real Sugar converts.
      if (have < v) return false;
    } else {
      return false;
    }
  }
  return true;
}

scripted_reply fake_sugarcrm::handle(const served_request& req) {
  std::lock_guard lock(mu_);
  const auto qpos = req.target.find('?');
  const std::string path = req.target.substr(0, qpos);
  const auto query = qpos == std::string::npos ? std::map<std::string, std::string>{}
                                               : parse_pairs(std::string_view(req.target).substr(qpos + 1));
  namespace http = boost::beast::http;
  if (path == "/rest/v11/oauth2/token" && req.method == http::verb::post) return token(req);
  if (!path.starts_with("/rest/v11/Leads")) return error_reply(404, "not_found", "no such endpoint");
  const std::string tok(req.headers["oauth-token"]);
  const auto t = tokens_.find(tok);
  if (tok.empty() || t == tokens_.end()) {
    ++unauthorized_;
    return error_reply(401, "invalid_grant", "The access token provided is invalid.");
  }
  const std::string user = t->second;
  if (!failures_.empty() && req.target.find(failures_.front().needle) != std::string::npos) {
    auto f = failures_.front();
    failures_.pop_front();
    return scripted_reply{f.status, {{"content-type", "application/json"}}, f.body, {}, false, false};
  }
  const std::string id = path.size() > 16 ? path.substr(16) : std::string();
  if (id.empty() && req.method == http::verb::get) return list(query);
  if (id.empty() && req.method == http::verb::post) {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object()) return error_reply(422, "invalid_parameter", "body is not a JSON object");
    if (!body.contains("last_name")) return error_reply(422, "missing_parameter", "last_name is required");
    ++creates_;
    return json_reply(200, records_[create(std::move(body), user)]);
  }
  auto it = records_.find(id);
  if (it == records_.end() || it->second.value("deleted", false))
    return error_reply(404, "not_found", "Could not find record: " + id);
  if (req.method == http::verb::get) return json_reply(200, it->second);
  if (req.method == http::verb::put) {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (!body.is_object()) return error_reply(422, "invalid_parameter", "body is not a JSON object");
    put_bodies_.push_back(body);
    ++updates_;
    for (const auto& [k, v] : body.items())
      if (k != "id") it->second[k] = v;
    touch(it->second, user);
    return json_reply(200, it->second);
  }
  return error_reply(405, "not_allowed", "method not allowed");
}

scripted_reply fake_sugarcrm::token(const served_request& req) {
  auto body = nlohmann::json::parse(req.body, nullptr, false);
  if (!body.is_object()) return error_reply(400, "invalid_request", "body is not JSON");
  const auto grant = body.value("grant_type", "");
  if (body.value("client_id", "") != client_id_) return error_reply(401, "invalid_client", "unknown client");
  if (body.value("platform", "").empty()) return error_reply(400, "invalid_request", "platform is required");
  if (grant == "password") {
    if (body.value("username", "") != username_ || body.value("password", "") != password_)
      return error_reply(401, "invalid_grant", "Invalid username or password");
    ++password_logins_;
  } else if (grant == "refresh_token") {
    const auto rt = body.value("refresh_token", "");
    if (!refresh_tokens_.erase(rt)) return error_reply(400, "invalid_grant", "Invalid refresh token");
    ++refresh_logins_;
  } else {
    return error_reply(400, "unsupported_grant_type", "grant type not supported");
  }
  const auto access = "at-" + std::to_string(++token_seq_);
  const auto refresh = "rt-" + std::to_string(token_seq_);
  tokens_[access] = integration_user_id;
  refresh_tokens_.insert(refresh);
  return json_reply(200, {{"access_token", access}, {"expires_in", 3600}, {"token_type", "bearer"},
                    {"refresh_token", refresh}, {"refresh_expires_in", 1209600}});
}

scripted_reply fake_sugarcrm::list(const std::map<std::string, std::string>& q) {
  ++list_calls_;
  for (const auto& [k, v] : q)
    if (k.find("[date_modified][$gte]") != std::string::npos) ++pulls_;
  const bool with_deleted = q.contains("deleted") && (q.at("deleted") == "true" || q.at("deleted") == "1");
  std::vector<const nlohmann::json*> hits;
  for (const auto& [id, r] : records_)
    if ((with_deleted || !r.value("deleted", false)) && matches(r, q)) hits.push_back(&r);
  const auto order = q.contains("order_by") ? q.at("order_by") : std::string("date_modified:DESC");
  const bool asc = order == "date_modified:ASC";
  std::stable_sort(hits.begin(), hits.end(), [&](const nlohmann::json* a, const nlohmann::json* b) {
    const auto da = a->value("date_modified", ""), db = b->value("date_modified", "");
    return asc ? da < db : db < da;
  });
  const std::size_t max_num = q.contains("max_num") ? std::stoul(q.at("max_num")) : 20;
  const std::size_t offset = q.contains("offset") ? std::stoul(q.at("offset")) : 0;
  nlohmann::json out = nlohmann::json::array();
  for (std::size_t i = offset; i < hits.size() && out.size() < max_num; ++i) out.push_back(*hits[i]);
  const long long next = offset + out.size() < hits.size() ? static_cast<long long>(offset + out.size()) : -1;
  return json_reply(200, {{"next_offset", next}, {"records", out}});
}

}  // namespace lg::test
