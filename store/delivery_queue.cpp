// See delivery_queue.hpp. The steps' argument slots are outbox_step.lua's (its header says them).
#include "store/delivery_queue.hpp"
#include "core/json_text.hpp"

#include "store/keys.hpp"
#include "store/lua_script.hpp"

#include "outbox_step.hpp"  // the embedded script

#include <nlohmann/json.hpp>

#include <charconv>

namespace lg::store {
namespace {

const lua_script& step_script() {
  static const lua_script script{lua::outbox_step};
  return script;
}

std::unexpected<core::error> refused(const std::string& what, const std::string& reply) {
  return std::unexpected(core::make_error(core::errc::unavailable, "redis refused " + what + ": " + reply));
}

std::expected<redis_reply, core::error> checked(std::expected<redis_reply, core::error> r, const char* what) {
  if (!r) return r;
  if (r->is_error()) return refused(what, r->str);
  return r;
}

std::string no_contact(const std::string& id) { return "id:" + id; }

// A parked entry's JSON back into a delivery; unreadable: kept raw for its dead letter.
queued_delivery from_parked(const std::string& id, const redis_reply& raw) {
  queued_delivery e;
  auto j = nlohmann::json::parse(raw.str, nullptr, false);
  if (raw.is_nil() || !j.is_object()) {
    e.id = e.contact = id;
    e.data = raw.str;
    e.unreadable = true;
    return e;
  }
  e.id = j.value("id", id);
  e.type = j.value("type", std::string("lead.assigned"));
  e.data = j.value("data", std::string("{}"));
  e.contact = j.value("c", std::string());
  if (e.contact.empty()) e.contact = no_contact(e.id);
  e.at_ms = j.value("at", std::int64_t{0});
  e.attempts = j.value("n", 0u);
  return e;
}

}  // namespace

delivery_queue::delivery_queue(redis_client& redis, std::string tenant, std::string destination)
    : redis_(redis),
      k_stream_(keys::destination_stream(tenant, destination)),
      k_parked_(keys::delivery_parked(tenant, destination)),
      k_retry_(keys::delivery_retry(tenant, destination)),
      k_hold_(keys::delivery_hold(tenant, destination)),
      k_state_(keys::delivery_state(tenant, destination)),
      k_dead_(keys::dead_letters(tenant, destination)),
      holdq_(keys::delivery_hold_queue_prefix(tenant, destination)) {}

std::string delivery_queue::entry_json(const queued_delivery& e) {
  return core::json_text(nlohmann::json{{"id", e.id}, {"type", e.type}, {"data", e.data},
                        {"c", e.contact}, {"n", e.attempts}, {"at", e.at_ms}});
}

awaitable<std::expected<std::vector<queued_delivery>, core::error>> delivery_queue::async_new(std::size_t limit) {
  std::vector<std::string> cmd{"XRANGE", k_stream_, "-", "+", "COUNT", std::to_string(limit)};
  auto r = checked(co_await redis_.async_exec(std::move(cmd)), "XRANGE");
  if (!r) co_return std::unexpected(r.error());
  std::vector<queued_delivery> out;
  for (auto& en : parse_stream_entries(*r)) {
    queued_delivery e;
    e.stream_id = en.id;
    for (auto& [k, v] : en.fields) {
      if (k == "wid") e.id = std::move(v);
      else if (k == "type") e.type = std::move(v);
      else if (k == "data") e.data = std::move(v);
      else if (k == "c") e.contact = std::move(v);
    }
    if (e.id.empty()) e.id = e.stream_id;
    if (e.type.empty()) e.type = "lead.assigned";
    if (e.data.empty()) e.data = "{}";
    if (e.contact.empty()) e.contact = no_contact(e.id);  // no contact: no order to keep
    if (auto ms = parse_stream_id(e.id)) e.at_ms = static_cast<std::int64_t>(ms->ms);
    out.push_back(std::move(e));
  }
  co_return out;
}

awaitable<std::expected<std::vector<queued_delivery>, core::error>> delivery_queue::async_due(std::int64_t now_ms,
                                                                                             std::size_t limit) {
  std::vector<std::string> cmd{"ZRANGEBYSCORE", k_retry_, "-inf", std::to_string(now_ms), "LIMIT", "0",
                               std::to_string(limit)};
  auto due = checked(co_await redis_.async_exec(std::move(cmd)), "ZRANGEBYSCORE");
  if (!due) co_return std::unexpected(due.error());
  std::vector<queued_delivery> out;
  if (due->elements.empty()) co_return out;
  std::vector<std::string> get{"HMGET", k_parked_};
  for (const auto& e : due->elements) get.push_back(e.str);
  auto entries = checked(co_await redis_.async_exec(std::move(get)), "HMGET");
  if (!entries) co_return std::unexpected(entries.error());
  if (entries->elements.size() != due->elements.size()) co_return refused("HMGET", "a short reply");
  for (std::size_t i = 0; i < due->elements.size(); ++i) out.push_back(from_parked(due->elements[i].str, entries->elements[i]));
  co_return out;
}

awaitable<std::expected<std::vector<bool>, core::error>> delivery_queue::async_held(std::vector<std::string> contacts) {
  std::vector<bool> out;
  if (contacts.empty()) co_return out;
  std::vector<std::string> cmd{"HMGET", k_hold_};
  cmd.insert(cmd.end(), contacts.begin(), contacts.end());
  auto r = checked(co_await redis_.async_exec(std::move(cmd)), "HMGET");
  if (!r) co_return std::unexpected(r.error());
  if (r->elements.size() != contacts.size()) co_return refused("HMGET", "a short reply");
  for (const auto& e : r->elements) out.push_back(!e.is_nil());
  co_return out;
}

awaitable<std::expected<redis_reply, core::error>> delivery_queue::step(std::vector<std::string> args) {
  std::vector<std::string> keys{k_stream_, k_parked_, k_retry_, k_hold_, k_state_, k_dead_};
  co_return checked(co_await step_script().async_run(redis_, std::move(keys), std::move(args)), "outbox_step");
}

awaitable<std::expected<void, core::error>> delivery_queue::async_delivered(const queued_delivery& e, unsigned status,
                                                                           std::int64_t now_ms) {
  std::vector<std::string> args{"done", holdq_, std::to_string(now_ms), e.id, e.contact, e.stream_id, "ok", "",
                          std::to_string(status), "", "", std::to_string(e.attempts), "0"};

  auto r = co_await step(std::move(args));
  if (!r) co_return std::unexpected(r.error());
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<void, core::error>> delivery_queue::async_dead(const queued_delivery& e, unsigned status,
                                                                      std::string reply, std::string reason,
                                                                      std::int64_t now_ms, std::size_t max_dead) {
  std::vector<std::string> args{"done", holdq_, std::to_string(now_ms), e.id, e.contact, e.stream_id, "dead",
                          e.unreadable ? e.data : entry_json(e), std::to_string(status), std::move(reply),
                          std::move(reason), std::to_string(e.attempts), std::to_string(max_dead)};

  auto r = co_await step(std::move(args));
  if (!r) co_return std::unexpected(r.error());
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<park_outcome, core::error>> delivery_queue::async_park(const queued_delivery& e,
                                                                              std::int64_t due_ms, unsigned status,
                                                                              std::string error, std::int64_t now_ms) {
  std::vector<std::string> args{"park", holdq_, std::to_string(now_ms), e.id, e.contact, e.stream_id, entry_json(e),
                          std::to_string(due_ms), status == 0 && error.empty() ? std::string() : std::to_string(status),
                          std::move(error)};

  auto r = co_await step(std::move(args));
  if (!r) co_return std::unexpected(r.error());
  if (r->str == "head") co_return park_outcome::head;
  if (r->str == "held") co_return park_outcome::held;
  co_return park_outcome::duplicate;
}

awaitable<std::expected<void, core::error>> delivery_queue::async_retry(const queued_delivery& e, std::int64_t due_ms,
                                                                       unsigned status, std::string error,
                                                                       std::int64_t now_ms) {
  std::vector<std::string> args{"retry", holdq_, std::to_string(now_ms), e.id, entry_json(e), std::to_string(due_ms),
                          std::to_string(status), std::move(error)};

  auto r = co_await step(std::move(args));
  if (!r) co_return std::unexpected(r.error());
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<long long, core::error>> delivery_queue::async_wake(std::int64_t now_ms, std::size_t max) {
  std::vector<std::string> args{"wake", holdq_, std::to_string(now_ms), std::to_string(max)};

  auto r = co_await step(std::move(args));
  if (!r) co_return std::unexpected(r.error());
  co_return r->integer;
}

awaitable<std::expected<long long, core::error>> delivery_queue::async_replay(std::vector<std::string> ids,
                                                                             std::size_t max, std::int64_t now_ms) {
  std::vector<std::string> args{"replay", holdq_, std::to_string(now_ms), std::to_string(max)};
  args.insert(args.end(), std::make_move_iterator(ids.begin()), std::make_move_iterator(ids.end()));
  auto r = co_await step(std::move(args));
  if (!r) co_return std::unexpected(r.error());
  co_return r->integer;
}

awaitable<std::expected<void, core::error>> delivery_queue::async_note_breaker(std::string state,
                                                                              std::int64_t since_ms,
                                                                              std::uint64_t times_opened) {
  std::vector<std::string> cmd{"HSET",          k_state_, "breaker", std::move(state), "breaker_since",
                               std::to_string(since_ms), "breaker_opened", std::to_string(times_opened)};
  auto r = checked(co_await redis_.async_exec(std::move(cmd)), "HSET");
  if (!r) co_return std::unexpected(r.error());
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<delivery_backlog, core::error>> delivery_queue::async_backlog() {
  std::vector<std::string> c1{"XLEN", k_stream_};
  auto stream_len = checked(co_await redis_.async_exec(std::move(c1)), "XLEN");
  std::vector<std::string> c2{"XRANGE", k_stream_, "-", "+", "COUNT", "1"};
  auto oldest = checked(co_await redis_.async_exec(std::move(c2)), "XRANGE");
  std::vector<std::string> c3{"HLEN", k_parked_};
  auto parked = checked(co_await redis_.async_exec(std::move(c3)), "HLEN");
  std::vector<std::string> c4{"ZRANGE", k_retry_, "0", "0", "WITHSCORES"};
  auto next = checked(co_await redis_.async_exec(std::move(c4)), "ZRANGE");
  std::vector<std::string> c5{"XLEN", k_dead_};
  auto dead = checked(co_await redis_.async_exec(std::move(c5)), "XLEN");
  std::vector<std::string> c6{"HGETALL", k_state_};
  auto state = checked(co_await redis_.async_exec(std::move(c6)), "HGETALL");
  for (const auto* r : {&stream_len, &oldest, &parked, &next, &dead, &state})
    if (!*r) co_return std::unexpected(r->error());
  delivery_backlog b;
  b.stream = stream_len->integer;
  b.parked = parked->integer;
  b.dead = dead->integer;
  const auto first = parse_stream_entries(*oldest);
  if (!first.empty())
    if (auto id = parse_stream_id(first[0].id)) b.oldest_ms = static_cast<std::int64_t>(id->ms);
  if (next->elements.size() == 2) b.next_retry_ms = next->elements[1].as_integer();
  for (std::size_t i = 0; i + 1 < state->elements.size(); i += 2)
    b.state[state->elements[i].str] = state->elements[i + 1].str;
  co_return b;
}

awaitable<std::expected<std::vector<stream_entry>, core::error>> delivery_queue::async_dead_letters(std::string before,
                                                                                                   std::size_t limit) {
  std::vector<std::string> cmd{"XREVRANGE", k_dead_, before.empty() ? "+" : "(" + before, "-", "COUNT",
                               std::to_string(limit)};
  auto r = checked(co_await redis_.async_exec(std::move(cmd)), "XREVRANGE");
  if (!r) co_return std::unexpected(r.error());
  co_return parse_stream_entries(*r);
}

awaitable<std::expected<long long, core::error>> async_outbox_length(redis_client& redis, std::string tenant) {
  std::vector<std::string> cmd{"XLEN", keys::outbox(tenant)};
  auto r = checked(co_await redis.async_exec(std::move(cmd)), "XLEN");
  if (!r) co_return std::unexpected(r.error());
  co_return r->integer;
}

}  // namespace lg::store
