// See stream_consumer.hpp.
#include "store/stream_consumer.hpp"

#include <optional>

namespace lg::store {
namespace {

std::unexpected<core::error> refused(const std::string& what, const std::string& reply) {
  return std::unexpected(core::make_error(core::errc::unavailable, "redis refused " + what + ": " + reply));
}

std::string field_of(const redis_reply& flat, std::string_view name) {
  const auto* v = flat.field(name);
  return v ? v->str : std::string();
}

}  // namespace

stream_consumer::stream_consumer(redis_client& redis, consumer_options options)
    : redis_(redis), opts_(std::move(options)) {
  if (opts_.batch == 0) opts_.batch = 1;
}

awaitable<std::expected<void, core::error>> stream_consumer::async_ensure_group() {
  std::vector<std::string> cmd{"XGROUP", "CREATE", opts_.stream, opts_.group, opts_.start, "MKSTREAM"};
  auto r = co_await redis_.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error() && !r->str.starts_with("BUSYGROUP")) co_return refused("XGROUP CREATE", r->str);
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<std::vector<stream_entry>, core::error>> stream_consumer::async_read(bool own_pending) {
  std::vector<std::string> cmd{"XREADGROUP", "GROUP", opts_.group, opts_.consumer, "COUNT", std::to_string(opts_.batch)};
  if (!own_pending && opts_.block.count() > 0) {
    cmd.emplace_back("BLOCK");
    cmd.emplace_back(std::to_string(opts_.block.count()));
  }
  cmd.emplace_back("STREAMS");
  cmd.emplace_back(opts_.stream);
  cmd.emplace_back(own_pending ? "0" : ">");
  auto r = co_await redis_.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) {
    // NOGROUP: the stream (and its group) was deleted under us; made again for the next read.
    if (r->str.starts_with("NOGROUP")) co_await async_ensure_group();
    co_return refused("XREADGROUP", r->str);
  }
  // [[stream, [[id, fields], …]]], or nil when the wait ran out.
  if (r->is_nil() || !r->is_array() || r->elements.empty()) co_return std::vector<stream_entry>{};
  const auto& stream = r->elements[0];
  if (!stream.is_array() || stream.elements.size() < 2) co_return std::vector<stream_entry>{};
  co_return parse_stream_entries(stream.elements[1]);
}

awaitable<std::expected<claimed_entries, core::error>> stream_consumer::async_claim(std::chrono::milliseconds idle,
                                                                                   std::string cursor) {
  std::vector<std::string> cmd{"XAUTOCLAIM", opts_.stream, opts_.group, opts_.consumer, std::to_string(idle.count()),
                               std::move(cursor), "COUNT", std::to_string(opts_.batch)};
  auto r = co_await redis_.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error() || !r->is_array() || r->elements.size() < 2) co_return refused("XAUTOCLAIM", r->str);
  claimed_entries out;
  out.next = r->elements[0].str.empty() ? std::string("0-0") : r->elements[0].str;
  // Redis 7 lists entries deleted while pending apart (third element); they leave the PEL by themselves.
  out.entries = parse_stream_entries(r->elements[1]);
  co_return out;
}

awaitable<std::expected<void, core::error>> stream_consumer::async_ack(std::vector<std::string> ids,
                                                                      std::vector<std::string> also_delete) {
  if (ids.empty()) co_return std::expected<void, core::error>{};
  std::vector<std::string> cmd{"XACK", opts_.stream, opts_.group};
  cmd.insert(cmd.end(), std::make_move_iterator(ids.begin()), std::make_move_iterator(ids.end()));
  auto r = co_await redis_.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return refused("XACK", r->str);
  if (!also_delete.empty()) {
    std::vector<std::string> del{"DEL"};
    del.insert(del.end(), std::make_move_iterator(also_delete.begin()), std::make_move_iterator(also_delete.end()));
    co_await redis_.async_exec(std::move(del));  // best effort: the keys have a TTL of their own
  }
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<std::uint64_t, core::error>> stream_consumer::async_trim_processed() {
  std::vector<std::string> info{"XINFO", "GROUPS", opts_.stream};
  auto groups = co_await redis_.async_exec(std::move(info));
  if (!groups) co_return std::unexpected(groups.error());
  if (groups->is_error() || !groups->is_array()) co_return refused("XINFO GROUPS", groups->str);
  std::optional<stream_id> keep;  // the oldest entry some group still needs
  for (const auto& g : groups->elements) {
    auto last = parse_stream_id(field_of(g, "last-delivered-id"));
    if (!last) co_return std::uint64_t{0};
    stream_id need{last->ms, last->seq + 1};  // everything up to last-delivered was delivered
    std::vector<std::string> pend{"XPENDING", opts_.stream, field_of(g, "name")};
    auto p = co_await redis_.async_exec(std::move(pend));
    if (!p) co_return std::unexpected(p.error());
    if (!p->is_array() || p->elements.size() < 2) co_return std::uint64_t{0};
    if (p->elements[0].as_integer().value_or(0) > 0) {
      auto oldest = parse_stream_id(p->elements[1].str);
      if (!oldest) co_return std::uint64_t{0};
      need = std::min(need, *oldest);
    }
    keep = keep ? std::min(*keep, need) : need;
  }
  if (!keep) co_return std::uint64_t{0};
  std::vector<std::string> cmd{"XTRIM", opts_.stream, "MINID", keep->str()};
  auto r = co_await redis_.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return refused("XTRIM", r->str);
  co_return static_cast<std::uint64_t>(r->as_integer().value_or(0));
}

awaitable<std::expected<group_backlog, core::error>> async_group_backlog(redis_client& redis, std::string stream,
                                                                        std::string group) {
  std::vector<std::string> cmd{"XINFO", "GROUPS", std::move(stream)};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(r.error());
  group_backlog out;
  if (r->is_error()) {
    if (r->str.find("no such key") != std::string::npos) {  // nothing written yet: nothing waits
      out.lag = 0;
      co_return out;
    }
    co_return refused("XINFO GROUPS", r->str);
  }
  for (const auto& g : r->elements) {
    if (field_of(g, "name") != group) continue;
    if (const auto* lag = g.field("lag"); lag && !lag->is_nil()) out.lag = lag->as_integer().value_or(-1);
    if (const auto* pending = g.field("pending")) out.pending = pending->as_integer().value_or(0);
  }
  co_return out;
}

awaitable<void> async_fan_out(std::size_t n, std::function<awaitable<void>(std::size_t)> handler,
                              std::function<void(std::size_t, std::exception_ptr)> failed) {
  if (n == 0) co_return;
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer all_done(ex, asio::steady_timer::time_point::max());
  std::size_t remaining = n;
  for (std::size_t i = 0; i < n; ++i) {
    asio::co_spawn(ex, handler(i), [&, i](std::exception_ptr ep) {
      if (ep && failed) failed(i, ep);
      if (--remaining == 0) all_done.cancel();
    });
  }
  while (remaining > 0) {
    boost::system::error_code ec;
    co_await all_done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace lg::store
