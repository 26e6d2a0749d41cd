// See lease.hpp.
#include "store/lease.hpp"

#include "logging/logging.hpp"

#include "core/error.hpp"
#include "lease_hold.hpp"
#include "store/lua_script.hpp"

#include <unistd.h>

#include <random>

namespace lg::store {
namespace {

const lua_script& lease_script() {
  static const lua_script script{lua::lease_hold};
  return script;
}

std::int64_t steady_ns(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string lease_token() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device rd;
  return std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(rd());
}

std::shared_ptr<lease> lease::create(std::shared_ptr<redis_client> redis, lease_options opts) {
  return std::shared_ptr<lease>(new lease(std::move(redis), std::move(opts)));
}

lease::lease(std::shared_ptr<redis_client> redis, lease_options opts)
    : redis_(std::move(redis)), opts_(std::move(opts)), loop_(redis_->context().get_executor()) {
  if (opts_.margin >= opts_.ttl) opts_.margin = opts_.ttl / 4;
}

bool lease::held() const noexcept {
  return steady_ns(std::chrono::steady_clock::now()) < valid_until_.load();
}

void lease::start() {
  loop_.start(run(), "lease " + opts_.key, shared_from_this(), [this] { valid_until_ = 0; });
}

void lease::stop() { loop_.stop(); }

awaitable<void> lease::run() {
  const auto ttl = std::to_string(opts_.ttl.count());
  while (!loop_.stopping()) {
    const auto sent = std::chrono::steady_clock::now();
    std::vector<std::string> keys{opts_.key};
    std::vector<std::string> args{"hold", opts_.token, ttl};
    auto r = co_await lease_script().async_run(*redis_, std::move(keys), std::move(args));
    const bool was = held();
    const auto v = r && !r->is_error() ? r->as_integer() : std::nullopt;
    if (v) {
      if (*v == 1) {
        valid_until_ = steady_ns(sent + opts_.ttl - opts_.margin);
        if (!was) logging::info("lease taken", {{"lease", opts_.key}});
      } else {
        valid_until_ = 0;
        if (was) logging::info("lease lost to another holder", {{"lease", opts_.key}});
      }
    } else if (was) {
      // Not renewed: held() runs out by itself before the TTL could let another holder in.
      logging::warn("lease not renewed", {{"lease", opts_.key}, {"reason", r ? r->str : r.error().message}});
    }
    if (loop_.stopping()) break;
    // No answer (Redis not connected yet, or down): ask again soon rather than a third of the
    // TTL later, so a starting process takes a free lease as soon as its connection is up.
    const auto wait = v ? opts_.ttl / 3 : std::min<std::chrono::milliseconds>(opts_.ttl / 3, std::chrono::milliseconds(100));
    co_await loop_.pause(wait);
  }
  if (valid_until_.exchange(0) != 0) {
    std::vector<std::string> keys{opts_.key};
    std::vector<std::string> args{"release", opts_.token};
    co_await lease_script().async_run(*redis_, std::move(keys), std::move(args));
  }
}

}  // namespace lg::store
