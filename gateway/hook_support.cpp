// Shared pieces of the webhook, partner API and quarantine routes; see hook_support.hpp.
#include "gateway/hook_support.hpp"
#include "core/json_text.hpp"

#include "core/lead_id.hpp"
#include "core/time_format.hpp"

#include <nlohmann/json.hpp>

#include <array>

namespace lg::gateway::hooks {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Cuts at a byte bound without splitting a UTF-8 sequence (the bytes may not be UTF-8 at all;
// then the cut is simply at the bound).
std::string bounded(std::string_view s, std::size_t limit) {
  if (s.size() <= limit) return std::string(s);
  std::size_t n = limit;
  for (int back = 0; back < 3 && n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80; ++back) --n;
  return std::string(s.substr(0, n));
}

constexpr std::array<std::string_view, 14> interesting_headers{
    "content-type",          "content-length",       "user-agent",         "x-zevent-signature",
    "x-zevent-server",       "num_retry",            "x-hub-signature-256", "x-hub-signature",
    "x-twilio-signature",    "x-stringee-signature", "x-signature",        "x-request-id",
    "x-forwarded-for",       "idempotency-key"};

}  // namespace

adapters::inbound_request make_inbound(request_context& ctx, std::string_view source_id, const proxy_list& proxies) {
  auto& req = ctx.req;
  adapters::inbound_request in;
  in.method = std::string(req.method_string());
  in.target = std::string(req.target());
  in.path = std::string(ctx.path);
  in.query = std::string(ctx.query);
  in.source_id = std::string(source_id);
  in.body = std::move(req.body());
  in.content_type = std::string(req[http::field::content_type]);
  in.user_agent = std::string(req[http::field::user_agent]);
  in.received_at = core::format_rfc3339_ms(ctx.received_at);
  std::string forwarded;
  in.headers.reserve(16);
  for (const auto& f : req) {
    std::string name = lower(f.name_string());
    if (name == "x-forwarded-for") {
      if (!forwarded.empty()) forwarded += ',';
      forwarded.append(f.value());
    }
    in.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  in.remote_ip = client_ip(ctx.peer, forwarded, proxies);
  return in;
}

std::string headers_of_interest(const adapters::inbound_request& in) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, value] : in.headers) {
    for (auto h : interesting_headers) {
      if (name == h && !j.contains(name)) j[name] = bounded(value, 1024);
    }
  }
  return core::json_text(j);
}

response store_error_response(const core::error& err) {
  if (err.code == core::errc::unavailable || err.code == core::errc::timeout) {
    auto res = error_response(http::status::service_unavailable, err);
    res.set(http::field::retry_after, "5");
    return res;
  }
  return error_response(err);
}

}  // namespace lg::gateway::hooks
