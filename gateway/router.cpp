// Route matching; see router.hpp. Routes are few, so a linear scan over pre-split patterns
// beats anything clever and allocates nothing but the params vector.
#include "gateway/router.hpp"

#include <stdexcept>

namespace lg::gateway {
namespace {

bool is_param(std::string_view seg) noexcept {
  return seg.size() >= 3 && seg.front() == '{' && seg.back() == '}';
}

// Segments of "/v1/forms/x" are "v1","forms","x". "/" has none; "//" and a trailing '/'
// give empty segments, which no pattern matches (a parameter must not be empty).
template <class F>
bool for_each_segment(std::string_view path, F&& f) {
  if (path.empty() || path.front() != '/') return false;
  path.remove_prefix(1);
  if (path.empty()) return true;
  for (;;) {
    const auto slash = path.find('/');
    if (!f(path.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    path.remove_prefix(slash + 1);
  }
}

}  // namespace

std::string_view request_context::param(std::string_view name) const noexcept {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

std::pair<std::string_view, std::string_view> split_target(std::string_view target) noexcept {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

void router::add(http::verb method, std::string_view pattern, handler h) {
  route* r = nullptr;
  for (auto& existing : routes_) {
    if (existing.pattern == pattern) r = &existing;
  }
  if (!r) {
    route fresh;
    fresh.pattern = std::string(pattern);
    const bool ok = for_each_segment(pattern, [&](std::string_view seg) {
      if (seg.empty()) return false;
      if (seg.find_first_of("{}") != std::string_view::npos && !is_param(seg)) return false;
      fresh.segments.emplace_back(seg);
      return true;
    });
    if (!ok) throw std::invalid_argument("bad route pattern: " + std::string(pattern));
    routes_.push_back(std::move(fresh));
    r = &routes_.back();
  }
  for (const auto& m : r->methods) {
    if (m.first == method) throw std::invalid_argument("route registered twice: " + std::string(pattern));
  }
  r->methods.emplace_back(method, std::move(h));
}

router::match_result router::match(http::verb method, std::string_view path) const {
  match_result out;
  for (const auto& r : routes_) {
    std::size_t i = 0;
    route_params params;
    const bool ok = for_each_segment(path, [&](std::string_view seg) {
      if (i >= r.segments.size() || seg.empty()) return false;
      const auto& want = r.segments[i++];
      if (is_param(want)) {
        params.emplace_back(std::string_view(want).substr(1, want.size() - 2), seg);
        return true;
      }
      return want == seg;
    });
    if (!ok || i != r.segments.size()) continue;
    out.pattern = r.pattern;
    for (const auto& [verb, h] : r.methods) {
      if (verb == method) {
        out.outcome = match_result::kind::found;
        out.target = &h;
        out.params = std::move(params);
        return out;
      }
    }
    // A HEAD is never routed implicitly: the body-less answer must come from a GET handler.
    out.outcome = match_result::kind::method_not_allowed;
    for (const auto& m : r.methods) {
      if (!out.allow.empty()) out.allow += ", ";
      const auto name = http::to_string(m.first);
      out.allow.append(name.data(), name.size());
    }
    return out;
  }
  return out;
}

awaitable<response> router::dispatch(request_context& ctx, std::string_view& route_label) const {
  auto m = match(ctx.req.method(), ctx.path);
  switch (m.outcome) {
    case match_result::kind::found:
      route_label = m.pattern;
      ctx.params = std::move(m.params);
      co_return co_await (*m.target)(ctx);
    case match_result::kind::method_not_allowed: {
      route_label = m.pattern;
      auto res = error_response(core::make_error(core::errc::method_not_allowed,
                                                 "method not allowed; use " + m.allow));
      res.set(http::field::allow, m.allow);
      co_return res;
    }
    case match_result::kind::not_found:
      break;
  }
  route_label = "unmatched";
  co_return error_response(core::make_error(core::errc::not_found, "no such route"));
}

std::vector<std::string_view> router::patterns() const {
  std::vector<std::string_view> out;
  for (const auto& r : routes_) out.emplace_back(r.pattern);
  return out;
}

}  // namespace lg::gateway
