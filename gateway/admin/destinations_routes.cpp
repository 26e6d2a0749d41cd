// The destinations admin API, read straight from Redis (so it answers the same whichever
// process runs the delivery):
//   GET  /admin/v1/destinations               health, lag, breaker state and counts (viewer)
//   GET  /admin/v1/destinations/{d}/dead      dead letters, newest first, ?limit=&after= (viewer)
//   POST /admin/v1/destinations/{d}/replay    {} (the oldest ≤ 1000) or {"ids":[…]} (admin)
#include "gateway/routes.hpp"
#include "core/json_text.hpp"

#include "gateway/query.hpp"
#include "http/url.hpp"
#include "store/delivery_queue.hpp"

#include <charconv>
#include <map>
#include <memory>

namespace lg::gateway {
namespace {

using core::errc;
using core::make_error;
using nlohmann::json;

constexpr std::size_t default_limit = 50;
constexpr std::size_t max_limit = 200;
constexpr std::size_t max_replay = 1000;

struct dest_env {
  const config::config& cfg;
  std::shared_ptr<const admin_auth> auth;
};

bool valid_stream_id(std::string_view id) { return id.size() <= 41 && store::parse_stream_id(id).has_value(); }

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

response redis_down(const core::error& e) {
  auto res = error_response(http::status::service_unavailable, make_error(errc::unavailable, e.message));
  res.set(http::field::retry_after, "5");
  return res;
}


// Never the path or query of a destination URL: they may carry a token.
std::string shown_origin(const std::string& url) {
  auto u = net::parse_http_url(url);
  return u ? u->origin() : std::string();
}

awaitable<response> list_destinations(const dest_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  json out = json::array();
  const auto now = now_ms();
  for (const auto& d : env.cfg.destinations) {
    store::delivery_queue queue(*ctx.redis, env.cfg.tenant, d.id);
    auto b = co_await queue.async_backlog();
    if (!b) co_return redis_down(b.error());
    const auto& st = b->state;
    auto num = [&](std::string_view k) -> std::int64_t {
      const auto it = st.find(k);
      if (it == st.end()) return 0;
      std::int64_t v = 0;
      std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
      return v;
    };
    auto str_or_null = [&](std::string_view k) -> json {
      const auto it = st.find(k);
      return it == st.end() || it->second.empty() ? json(nullptr) : json(it->second);
    };

    const auto n_parked = b->parked;
    json lag{{"stream", b->stream}, {"parked", n_parked}, {"total", b->stream + n_parked}};
    lag["oldest_age_s"] =
        b->oldest_ms > 0 ? static_cast<double>(std::max<std::int64_t>(0, now - b->oldest_ms)) / 1000.0 : 0.0;
    lag["next_retry_ms"] = b->next_retry_ms ? json(*b->next_retry_ms) : json(nullptr);

    const auto br = st.find("breaker");
    const std::string breaker = br != st.end() ? br->second : std::string("closed");
    std::string health = "ok";
    if (breaker == "open") health = "down";
    else if (breaker == "half_open" || n_parked > 0) health = "degraded";
    out.push_back(json{{"id", d.id},
                       {"type", d.type},
                       {"enabled", d.enabled},
                       {"origin", shown_origin(d.url)},
                       {"events", d.events},
                       {"health", health},
                       {"breaker", {{"state", breaker}, {"since_ms", num("breaker_since")}, {"times_opened", num("breaker_opened")}}},
                       {"lag", std::move(lag)},
                       {"dead_letters", b->dead},
                       {"counts", {{"delivered", num("delivered")}, {"retries", num("retries")}, {"dead", num("dead")},
                                   {"replayed", num("replayed")}}},
                       {"last", {{"ok_at_ms", num("last_ok_at")}, {"fail_at_ms", num("last_fail_at")},
                                 {"status", str_or_null("last_status")}, {"error", str_or_null("last_error")}}}});
  }
  co_return json_response(http::status::ok, core::json_text(json{{"destinations", std::move(out)}}));
}

const config::destination_config* find(const dest_env& env, request_context& ctx) {
  return env.cfg.find_destination(ctx.param("d"));
}

response unknown_destination(request_context& ctx) {
  return error_response(make_error(errc::not_found, "no destination '" + std::string(ctx.param("d")) + "'", "d"));
}

awaitable<response> list_dead(const dest_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  const auto* d = find(env, ctx);
  if (!d) co_return unknown_destination(ctx);
  auto page = stream_page_param(ctx.query, default_limit, max_limit);
  if (!page) co_return error_response(page.error());
  store::delivery_queue queue(*ctx.redis, env.cfg.tenant, d->id);
  auto r = co_await queue.async_dead_letters(page->after, page->limit);
  if (!r) co_return redis_down(r.error());
  json entries = json::array();
  std::string last;
  for (auto& e : *r) {
    last = e.id;
    json item{{"id", last}};
    for (const auto& [k, v] : e.fields) {
      if (k == "entry") {
        auto j = json::parse(v, nullptr, false);
        if (j.is_object()) {
          item["type"] = j.value("type", "");
          auto data = json::parse(j.value("data", std::string("{}")), nullptr, false);
          item["data"] = data.is_discarded() ? json(j.value("data", "")) : data;
        }
      } else if (k == "status" || k == "attempts" || k == "at") {
        std::int64_t n = 0;
        std::from_chars(v.data(), v.data() + v.size(), n);
        item[k == "at" ? "at_ms" : k] = n;
      } else if (k == "wid") {
        item["delivery_id"] = v;
      } else {
        item[k] = v;
      }
    }
    entries.push_back(std::move(item));
  }
  json body{{"entries", std::move(entries)}};
  body["next"] = r->size() == page->limit && !last.empty() ? json(last) : json(nullptr);
  co_return json_response(http::status::ok, core::json_text(body));
}

awaitable<response> replay(const dest_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::admin); !who) co_return auth_error_response(who.error());
  const auto* d = find(env, ctx);
  if (!d) co_return unknown_destination(ctx);
  std::vector<std::string> ids;
  const auto& raw = ctx.req.body();
  if (!raw.empty()) {
    auto j = json::parse(raw, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      co_return error_response(make_error(errc::invalid_field, "body must be a JSON object: {} or {\"ids\":[…]}", "body"));
    for (const auto& [k, v] : j.items())
      if (k != "ids") co_return error_response(make_error(errc::invalid_field, "unknown key", k));
    if (auto it = j.find("ids"); it != j.end()) {
      if (!it->is_array() || it->empty() || it->size() > max_replay)
        co_return error_response(
            make_error(errc::invalid_field, "ids must be an array of 1.." + std::to_string(max_replay) + " entry ids", "ids"));
      for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& v = (*it)[i];
        if (!v.is_string() || !valid_stream_id(v.get<std::string>()))
          co_return error_response(make_error(errc::invalid_field, "not an entry id such as 1717000000000-0",
                                              "ids[" + std::to_string(i) + "]"));
        ids.push_back(v.get<std::string>());
      }
    }
  }
  store::delivery_queue queue(*ctx.redis, env.cfg.tenant, d->id);
  const std::size_t asked = ids.size();
  auto r = co_await queue.async_replay(std::move(ids), max_replay, now_ms());
  if (!r) co_return redis_down(r.error());
  auto left = co_await queue.async_backlog();
  if (!left) co_return redis_down(left.error());
  json body{{"replayed", *r}, {"dead_letters_left", left->dead}};
  if (asked > 0) body["not_replayed"] = static_cast<std::int64_t>(asked) - *r;
  co_return json_response(http::status::ok, core::json_text(body));
}

}  // namespace

void add_destination_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth) {
  auto env = std::make_shared<dest_env>(dest_env{cfg, std::move(auth)});
  r.add(http::verb::get, "/admin/v1/destinations", [env](request_context& ctx) { return list_destinations(*env, ctx); });
  r.add(http::verb::get, "/admin/v1/destinations/{d}/dead", [env](request_context& ctx) { return list_dead(*env, ctx); });
  r.add(http::verb::post, "/admin/v1/destinations/{d}/replay", [env](request_context& ctx) { return replay(*env, ctx); });
}

}  // namespace lg::gateway
