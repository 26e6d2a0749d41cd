// See quarantine.hpp.
#include "store/quarantine.hpp"

#include "store/keys.hpp"

namespace lg::store {
namespace {

// Cuts at a byte bound without splitting a UTF-8 sequence (the bytes may not be UTF-8 at all;
// then the cut is simply at the bound).
std::string bounded(std::string_view s, std::size_t limit) {
  if (s.size() <= limit) return std::string(s);
  std::size_t n = limit;
  for (int back = 0; back < 3 && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80; ++back) --n;
  return std::string(s.substr(0, n));
}

}  // namespace

awaitable<std::expected<std::string, core::error>> async_quarantine(redis_client& redis, const quarantine_entry& q) {
  std::vector<std::string> cmd{"XADD",        keys::quarantine(q.tenant),
                               "MAXLEN",      "~",
                               std::to_string(quarantine_max_length), "*",
                               "stage",       q.stage,
                               "source",      q.source,
                               "channel",     q.channel,
                               "reason",      bounded(q.reason, quarantine_reason_limit),
                               "received_at", q.received_at,
                               "body_bytes",  std::to_string(q.body.size()),
                               "body",        bounded(q.body, quarantine_body_limit),
                               "headers",     q.headers.empty() ? std::string("{}") : q.headers};
  if (!q.entry_id.empty()) {
    cmd.emplace_back("entry_id");
    cmd.emplace_back(q.entry_id);
  }
  if (q.body.size() > quarantine_body_limit) {
    cmd.emplace_back("body_truncated");
    cmd.emplace_back("1");
  }
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(core::make_error(core::errc::unavailable, "redis unavailable: " + r.error().message));
  if (r->is_error())
    co_return std::unexpected(core::make_error(core::errc::unavailable, "redis refused the quarantine write: " + r->str));
  co_return r->str;
}

awaitable<std::expected<std::vector<stream_entry>, core::error>> async_quarantine_page(redis_client& redis,
                                                                                      std::string tenant,
                                                                                      std::string before,
                                                                                      std::size_t limit) {
  std::vector<std::string> cmd{"XREVRANGE", keys::quarantine(tenant), before.empty() ? "+" : "(" + before, "-",
                               "COUNT", std::to_string(limit)};
  auto r = co_await redis.async_exec(std::move(cmd));
  if (!r) co_return std::unexpected(core::make_error(core::errc::unavailable, "redis unavailable: " + r.error().message));
  if (r->is_error()) co_return std::unexpected(core::make_error(core::errc::unavailable, "redis refused: " + r->str));
  co_return parse_stream_entries(*r);
}

}  // namespace lg::store
