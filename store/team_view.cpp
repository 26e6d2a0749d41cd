// See team_view.hpp.
#include "store/team_view.hpp"

#include "store/keys.hpp"

#include <nlohmann/json.hpp>

namespace lg::store {
namespace {

long long to_ll(const redis_reply& r) { return r.as_integer().value_or(0); }

std::unexpected<core::error> refused(const redis_reply& r) {
  return std::unexpected(core::make_error(core::errc::unavailable, "redis refused: " + r.str));
}

}  // namespace

awaitable<std::expected<std::optional<team_snapshot>, core::error>> async_team_snapshot(redis_client& redis,
                                                                                       std::string tenant,
                                                                                       std::string team) {
  std::vector<std::string> tcmd{"HMGET", keys::team(tenant, team), "m", "rr"};
  auto t = co_await redis.async_exec(std::move(tcmd));
  if (!t) co_return std::unexpected(t.error());
  if (t->is_error()) co_return refused(*t);
  if (!t->is_array() || t->elements.size() != 2 || t->elements[0].is_nil()) co_return std::optional<team_snapshot>{};
  team_snapshot snap;
  snap.rr = to_ll(t->elements[1]);
  auto ids = nlohmann::json::parse(t->elements[0].str, nullptr, false);
  for (std::size_t i = 0; ids.is_array() && i < ids.size(); ++i) {
    if (!ids[i].is_string()) continue;
    member_snapshot m;
    m.id = ids[i].get<std::string>();
    m.index = i + 1;
    std::vector<std::string> mcmd{"HMGET", keys::member(tenant, team, m.id), "crm", "w", "cap", "st", "cw"};
    auto h = co_await redis.async_exec(std::move(mcmd));
    if (!h) co_return std::unexpected(h.error());
    if (h->is_array() && h->elements.size() == 5) {
      m.crm = h->elements[0].str;
      m.weight = static_cast<int>(to_ll(h->elements[1]));
      m.capacity = static_cast<int>(to_ll(h->elements[2]));
      m.state = h->elements[3].str;
      m.current_weight = to_ll(h->elements[4]);
    }
    std::vector<std::string> ocmd{"SCARD", keys::member_open(tenant, team, m.id)};
    auto o = co_await redis.async_exec(std::move(ocmd));
    if (!o) co_return std::unexpected(o.error());
    m.load = to_ll(*o);
    snap.members.push_back(std::move(m));
  }
  co_return std::optional<team_snapshot>(std::move(snap));
}

awaitable<std::expected<std::vector<std::string>, core::error>> async_team_ids(redis_client& redis, std::string tenant) {
  std::vector<std::string> cmd{"SMEMBERS", keys::teams(tenant)};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return refused(*r);
  std::vector<std::string> ids;
  for (const auto& e : r->elements) ids.push_back(e.str);
  co_return ids;
}

awaitable<std::expected<std::string, core::error>> async_assignment_contact(redis_client& redis, std::string tenant,
                                                                           std::string event_id) {
  std::vector<std::string> cmd{"HGET", keys::assignment(tenant, event_id), "c"};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return refused(*r);
  co_return r->str;
}

awaitable<std::expected<long long, core::error>> async_member_load(redis_client& redis, std::string tenant,
                                                                  std::string team, std::string member) {
  std::vector<std::string> cmd{"SCARD", keys::member_open(tenant, team, member)};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return refused(*r);
  co_return to_ll(*r);
}

awaitable<bool> async_ping(redis_client& redis) {
  if (!redis.connected()) co_return false;
  std::vector<std::string> cmd{"PING"};
  auto pong = co_await redis.async_exec(std::move(cmd));
  co_return pong && !pong->is_error() && pong->as_string() == "PONG";
}

}  // namespace lg::store
