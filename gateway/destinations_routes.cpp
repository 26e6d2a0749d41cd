// The destinations admin API, read straight from Redis (so it answers the same whichever
// process runs the delivery):
//   GET  /admin/v1/destinations               health, lag, breaker state and counts (viewer)
//   GET  /admin/v1/destinations/{d}/dead      dead letters, newest first, ?limit=&after= (viewer)
//   POST /admin/v1/destinations/{d}/replay    {} (the oldest ≤ 1000) or {"ids":[…]} (admin)
#include "gateway/routes.hpp"

#include "gateway/query.hpp"
#include "outbox_step.hpp"
#include "store/keys.hpp"
#include "store/lua_script.hpp"
#include "store/redis_client.hpp"
#include "webhooks/http_url.hpp"

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

bool valid_stream_id(std::string_view id) {
  if (id.empty() || id.size() > 41) return false;
  const auto dash = id.find('-');
  auto digits = [](std::string_view s) {
    if (s.empty() || s.size() > 20) return false;
    for (char c : s)
      if (c < '0' || c > '9') return false;
    return true;
  };
  if (dash == std::string_view::npos) return digits(id);
  return digits(id.substr(0, dash)) && digits(id.substr(dash + 1));
}

std::int64_t id_ms(std::string_view id) {
  std::int64_t v = 0;
  const auto part = id.substr(0, id.find('-'));
  const auto [p, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
  return ec == std::errc{} && p == part.data() + part.size() ? v : 0;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

response redis_down(const std::expected<store::redis_reply, core::error>& r) {
  auto res = error_response(http::status::service_unavailable,
                            make_error(errc::unavailable, r ? "redis refused: " + r->str : "redis unavailable"));
  res.set(http::field::retry_after, "5");
  return res;
}

bool bad(const std::expected<store::redis_reply, core::error>& r) { return !r || r->is_error(); }

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Never the path or query of a destination URL: they may carry a token.
std::string shown_origin(const std::string& url) {
  auto u = webhooks::parse_http_url(url);
  return u ? u->origin() : std::string();
}

awaitable<response> list_destinations(const dest_env& env, request_context& ctx) {
  if (auto who = env.auth->check(ctx.req, admin_role::viewer); !who) co_return auth_error_response(who.error());
  json out = json::array();
  const auto now = now_ms();
  for (const auto& d : env.cfg.destinations) {
    const auto& t = env.cfg.tenant;
    std::vector<std::string> c1{"XLEN", store::keys::destination_stream(t, d.id)};
    auto stream_len = co_await ctx.redis->async_exec(std::move(c1));
    std::vector<std::string> c2{"XRANGE", store::keys::destination_stream(t, d.id), "-", "+", "COUNT", "1"};
    auto oldest = co_await ctx.redis->async_exec(std::move(c2));
    std::vector<std::string> c3{"HLEN", store::keys::delivery_parked(t, d.id)};
    auto parked = co_await ctx.redis->async_exec(std::move(c3));
    std::vector<std::string> c4{"ZRANGE", store::keys::delivery_retry(t, d.id), "0", "0", "WITHSCORES"};
    auto next = co_await ctx.redis->async_exec(std::move(c4));
    std::vector<std::string> c5{"XLEN", store::keys::dead_letters(t, d.id)};
    auto dead = co_await ctx.redis->async_exec(std::move(c5));
    std::vector<std::string> c6{"HGETALL", store::keys::delivery_state(t, d.id)};
    auto state = co_await ctx.redis->async_exec(std::move(c6));
    if (bad(stream_len)) co_return redis_down(stream_len);
    if (bad(oldest)) co_return redis_down(oldest);
    if (bad(parked)) co_return redis_down(parked);
    if (bad(next)) co_return redis_down(next);
    if (bad(dead)) co_return redis_down(dead);
    if (bad(state)) co_return redis_down(state);

    std::map<std::string, std::string, std::less<>> st;
    for (std::size_t i = 0; i + 1 < state->elements.size(); i += 2) st[state->elements[i].str] = state->elements[i + 1].str;
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

    const auto in_stream = stream_len->integer;
    const auto n_parked = parked->integer;
    json lag{{"stream", in_stream}, {"parked", n_parked}, {"total", in_stream + n_parked}};
    if (!oldest->elements.empty() && !oldest->elements[0].elements.empty()) {
      const auto ms = id_ms(oldest->elements[0].elements[0].str);
      lag["oldest_age_s"] = ms > 0 ? static_cast<double>(std::max<std::int64_t>(0, now - ms)) / 1000.0 : 0.0;
    } else {
      lag["oldest_age_s"] = 0.0;
    }
    lag["next_retry_ms"] = nullptr;
    if (next->elements.size() == 2) {
      if (auto due = next->elements[1].as_integer()) lag["next_retry_ms"] = *due;
    }

    const std::string breaker = st.contains("breaker") ? st["breaker"] : std::string("closed");
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
                       {"dead_letters", dead->integer},
                       {"counts", {{"delivered", num("delivered")}, {"retries", num("retries")}, {"dead", num("dead")},
                                   {"replayed", num("replayed")}}},
                       {"last", {{"ok_at_ms", num("last_ok_at")}, {"fail_at_ms", num("last_fail_at")},
                                 {"status", str_or_null("last_status")}, {"error", str_or_null("last_error")}}}});
  }
  co_return json_response(http::status::ok, dump(json{{"destinations", std::move(out)}}));
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
  auto q = parse_query(ctx.query);
  if (!q) co_return error_response(q.error());
  std::size_t limit = default_limit;
  if (auto it = q->find("limit"); it != q->end()) {
    const auto& v = it->second;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), limit);
    if (ec != std::errc{} || p != v.data() + v.size() || limit < 1 || limit > max_limit)
      co_return error_response(make_error(errc::invalid_field, "limit must be 1.." + std::to_string(max_limit), "limit"));
  }
  std::string start = "+";
  if (auto it = q->find("after"); it != q->end()) {
    if (!valid_stream_id(it->second))
      co_return error_response(make_error(errc::invalid_field, "after must be an entry id such as 1717000000000-0", "after"));
    start = "(" + it->second;
  }
  std::vector<std::string> cmd{"XREVRANGE", store::keys::dead_letters(env.cfg.tenant, d->id), start, "-", "COUNT",
                               std::to_string(limit)};
  auto r = co_await ctx.redis->async_exec(std::move(cmd));
  if (bad(r)) co_return redis_down(r);
  json entries = json::array();
  std::string last;
  for (const auto& e : r->elements) {
    if (e.elements.size() != 2) continue;
    last = e.elements[0].str;
    json item{{"id", last}};
    const auto& kv = e.elements[1].elements;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) {
      const auto& k = kv[i].str;
      const auto& v = kv[i + 1].str;
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
  body["next"] = r->elements.size() == limit && !last.empty() ? json(last) : json(nullptr);
  co_return json_response(http::status::ok, dump(body));
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
  const auto& t = env.cfg.tenant;
  static const store::lua_script script{store::lua::outbox_step};
  std::vector<std::string> keys{store::keys::destination_stream(t, d->id), store::keys::delivery_parked(t, d->id),
                                store::keys::delivery_retry(t, d->id),     store::keys::delivery_hold(t, d->id),
                                store::keys::delivery_state(t, d->id),     store::keys::dead_letters(t, d->id)};
  std::vector<std::string> args{"replay", store::keys::delivery_hold_queue_prefix(t, d->id), std::to_string(now_ms()),
                                std::to_string(max_replay)};
  const std::size_t asked = ids.size();
  for (auto& id : ids) args.push_back(std::move(id));
  auto r = co_await script.async_run(*ctx.redis, std::move(keys), std::move(args));
  if (bad(r)) co_return redis_down(r);
  std::vector<std::string> len{"XLEN", store::keys::dead_letters(t, d->id)};
  auto left = co_await ctx.redis->async_exec(std::move(len));
  if (bad(left)) co_return redis_down(left);
  json body{{"replayed", r->integer}, {"dead_letters_left", left->integer}};
  if (asked > 0) body["not_replayed"] = static_cast<std::int64_t>(asked) - r->integer;
  co_return json_response(http::status::ok, dump(body));
}

}  // namespace

void add_destination_routes(router& r, const config::config& cfg, std::shared_ptr<const admin_auth> auth) {
  auto env = std::make_shared<dest_env>(dest_env{cfg, std::move(auth)});
  r.add(http::verb::get, "/admin/v1/destinations", [env](request_context& ctx) { return list_destinations(*env, ctx); });
  r.add(http::verb::get, "/admin/v1/destinations/{d}/dead", [env](request_context& ctx) { return list_dead(*env, ctx); });
  r.add(http::verb::post, "/admin/v1/destinations/{d}/replay", [env](request_context& ctx) { return replay(*env, ctx); });
}

}  // namespace lg::gateway
