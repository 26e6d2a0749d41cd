// See durable_accept.hpp.
#include "spool/durable_accept.hpp"

namespace lg::spool {
namespace {

awaitable<std::expected<durable_result, core::error>> to_spool(spool& sp, store::accept_request req) {
  std::string lead_id = req.lead_id;
  auto written = co_await sp.async_append(std::move(req));
  if (!written) co_return std::unexpected(std::move(written.error()));
  co_return durable_result{store::accept_result{std::move(lead_id), {}, false}, true};
}

}  // namespace

awaitable<std::expected<durable_result, core::error>> async_durable_accept(store::redis_client& redis, spool* sp,
                                                                          store::accept_request req) {
  if (sp && sp->pending()) co_return co_await to_spool(*sp, std::move(req));
  auto r = co_await store::async_accept(redis, req);
  if (r) co_return durable_result{std::move(*r), false};
  const auto& err = r.error();
  const bool outage = (err.code == core::errc::unavailable || err.code == core::errc::timeout) &&
                      !store::is_backlog_full(err);
  if (!sp || !outage) co_return std::unexpected(std::move(r.error()));
  co_return co_await to_spool(*sp, std::move(req));
}

awaitable<std::expected<durable_result, core::error>> async_durable_accept_event(
    store::redis_client& redis, spool* sp, const std::string& tenant, core::lead_event& event,
    std::string idempotency_key, std::chrono::milliseconds window, const store::accept_limits& limits,
    std::chrono::system_clock::time_point now) {
  auto req = store::make_accept_request(tenant, event, std::move(idempotency_key), window, limits, now);
  auto r = co_await async_durable_accept(redis, sp, std::move(req));
  if (r && r->accepted.duplicate) event.lead_id = r->accepted.lead_id;
  co_return r;
}

}  // namespace lg::spool
