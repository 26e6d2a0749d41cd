// async_accept: the request path's only Redis call. Every failure that leaves the outcome
// unknown is errc::unavailable, so the HTTP layer answers 503 and the provider retries; the
// idempotency key makes that retry harmless if the first attempt did land.
#include "store/inbound_log.hpp"
#include "core/json_text.hpp"

#include "core/lead_id.hpp"

#include <nlohmann/json.hpp>

#include "store/keys.hpp"
#include "store/lua_script.hpp"

#include "accept.hpp"

#include "logging/logging.hpp"

namespace lg::store {
namespace {

constexpr std::string_view backlog_full_message = "inbound backlog full";

std::unexpected<core::error> fail(core::errc c, std::string message, std::string field = {}) {
  return std::unexpected(core::make_error(c, std::move(message), std::move(field)));
}

std::optional<core::error> validate(const accept_request& req) {
  auto missing = [](const char* field) {
    return core::make_error(core::errc::missing_field, std::string(field) + " is empty", field);
  };
  if (req.tenant.empty()) return missing("tenant");
  if (req.idempotency_key.empty()) return missing("idempotency_key");
  if (req.lead_id.empty()) return missing("lead_id");
  if (req.event_json.empty()) return missing("event_json");
  if (req.idempotency_window.count() <= 0) {
    return core::make_error(core::errc::invalid_field, "idempotency window must be positive",
                            "idempotency_window");
  }
  if (req.max_stream_length == 0) {
    return core::make_error(core::errc::invalid_field, "max stream length must be positive",
                            "max_stream_length");
  }
  return std::nullopt;
}

std::expected<accept_result, core::error> map_reply(const redis_reply& r) {
  if (r.is_error()) {
    if (r.str.starts_with("LGFULL")) return fail(core::errc::unavailable, std::string(backlog_full_message));
    // OOM, READONLY (failover), LOADING, BUSY...: Redis cannot take the write now.
    logging::warn("accept: redis refused the write", {{"reply", r.str}});
    return fail(core::errc::unavailable, "redis refused the write: " + r.str);
  }
  const auto& e = r.elements;
  if (r.is_array() && e.size() == 2 && e[0].str == "dup" && e[1].as_string()) {
    return accept_result{e[1].str, {}, true};
  }
  if (r.is_array() && e.size() == 3 && e[0].str == "new" && e[1].as_string() &&
      e[2].as_string()) {
    return accept_result{e[1].str, e[2].str, false};
  }
  return fail(core::errc::internal, "unexpected reply from the accept script");
}

}  // namespace

awaitable<std::expected<accept_result, core::error>> async_accept(redis_client& redis,
                                                                  const accept_request& req) {
  if (auto bad = validate(req)) co_return std::unexpected(std::move(*bad));
  static const lua_script script(lua::accept);
  std::vector<std::string> keys{keys::idempotency(req.tenant, req.idempotency_key),
                                keys::inbound(req.tenant)};
  std::vector<std::string> args{req.lead_id, req.event_json,
                                std::to_string(req.idempotency_window.count()),
                                std::to_string(req.max_stream_length)};
  auto reply = co_await script.async_run(redis, std::move(keys), std::move(args));
  if (!reply) {
    co_return fail(core::errc::unavailable, "redis unavailable: " + reply.error().message);
  }
  auto result = map_reply(*reply);
  if (!result || result->duplicate || req.min_replicas_ack == 0) co_return result;
  // WAIT covers every write this connection made so far, the new entry included.
  std::vector<std::string> wait{"WAIT", std::to_string(req.min_replicas_ack),
                                std::to_string(req.replica_ack_timeout.count())};
  auto acked = co_await redis.async_exec(std::move(wait));
  if (!acked) co_return fail(core::errc::unavailable, "redis unavailable: " + acked.error().message);
  if (acked->is_error() || acked->integer < static_cast<long long>(req.min_replicas_ack)) {
    co_return fail(core::errc::timeout,
                   "only " + std::to_string(acked->is_error() ? 0 : acked->integer) + " of " +
                       std::to_string(req.min_replicas_ack) + " replicas acknowledged the lead within " +
                       std::to_string(req.replica_ack_timeout.count()) + " ms");
  }
  co_return result;
}

bool is_backlog_full(const core::error& e) noexcept {
  return e.code == core::errc::unavailable && e.message == backlog_full_message;
}

accept_request make_accept_request(const std::string& tenant, core::lead_event& event, std::string idempotency_key,
                                   std::chrono::milliseconds window, const accept_limits& limits,
                                   std::chrono::system_clock::time_point now) {
  accept_request acc;
  acc.tenant = tenant;
  acc.idempotency_key = std::move(idempotency_key);
  acc.idempotency_window = window;
  acc.lead_id = core::new_lead_id(now);
  event.lead_id = acc.lead_id;
  acc.event_json = core::json_text(nlohmann::json(event));
  acc.max_stream_length = limits.max_stream_length;
  acc.min_replicas_ack = limits.min_replicas_ack;
  acc.replica_ack_timeout = limits.replica_ack_timeout;
  return acc;
}

awaitable<std::expected<accept_result, core::error>> async_accept_event(
    redis_client& redis, const std::string& tenant, core::lead_event& event, std::string idempotency_key,
    std::chrono::milliseconds window, const accept_limits& limits, std::chrono::system_clock::time_point now) {
  auto acc = make_accept_request(tenant, event, std::move(idempotency_key), window, limits, now);
  auto result = co_await async_accept(redis, acc);
  if (result && result->duplicate) event.lead_id = result->lead_id;
  co_return result;
}

}  // namespace lg::store
