// The Lead Ads poller (see lead_poller.hpp).
#include "gateway/lead_poller.hpp"

#include "channels/enricher.hpp"
#include "core/error.hpp"
#include "gateway/hook_support.hpp"
#include "gateway/time_format.hpp"
#include "store/keys.hpp"
#include "webhooks/http_url.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <random>

namespace lg::gateway {
namespace {

using channels::api_error;
using channels::failure;

std::unexpected<api_error> failed(failure k, std::string message) {
  return std::unexpected(api_error{k, 0, std::move(message)});
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// paging.next must stay on the configured Graph origin: the Page token goes with it.
bool same_origin(const std::string& url, const std::string& base) {
  auto a = webhooks::parse_http_url(url);
  auto b = webhooks::parse_http_url(base);
  return a && b && a->origin() == b->origin();
}

webhooks::http_client_options client_options(const channels::graph::api_options& api) {
  webhooks::http_client_options o;
  o.extra_ca_file = api.ca_file;
  o.max_idle_per_origin = 2;
  return o;
}

}  // namespace

std::string lead_cursor_key(std::string_view tenant, std::string_view source, std::string_view form) {
  return store::keys::prefix(tenant) + "cursor:fbleads:" + std::string(source) + ":" + std::string(form);
}

std::shared_ptr<lead_poller> lead_poller::create(std::shared_ptr<store::redis_client> redis,
                                                 channels::graph::api_options api, lead_poller_options opts) {
  return std::shared_ptr<lead_poller>(new lead_poller(std::move(redis), std::move(api), std::move(opts)));
}

lead_poller::lead_poller(std::shared_ptr<store::redis_client> redis, channels::graph::api_options api,
                         lead_poller_options opts)
    : redis_(std::move(redis)),
      api_(std::move(api)),
      opts_(std::move(opts)),
      http_(redis_->context().get_executor(), client_options(api_)),
      timer_(redis_->context()) {}

awaitable<std::expected<std::size_t, api_error>> lead_poller::async_poll_once() {
  ++stats_.runs;
  std::size_t accepted = 0;
  std::optional<api_error> first_error;
  // Every form is tried even when one fails.
  for (const auto& form : api_.lead_forms) {
    auto r = co_await poll_form(form);
    if (r) {
      accepted += *r;
    } else if (!first_error) {
      first_error = r.error();
    }
  }
  if (first_error) {
    ++stats_.failed_runs;
    co_return std::unexpected(*first_error);
  }
  co_return accepted;
}

awaitable<std::expected<std::size_t, api_error>> lead_poller::poll_form(std::string form) {
  const std::string cursor_key = lead_cursor_key(opts_.tenant, api_.source, form);
  std::vector<std::string> get{"GET", cursor_key};
  auto c = co_await redis_->async_exec(std::move(get));
  if (!c) co_return failed(failure::transient, "redis: " + c.error().message);
  std::int64_t cursor = unix_now() - api_.poll_lookback.count();
  if (!c->str.empty()) std::from_chars(c->str.data(), c->str.data() + c->str.size(), cursor);

  std::int64_t newest = cursor;
  std::size_t accepted = 0;
  std::string url = channels::graph::leads_url(api_, form, cursor - 1);
  for (std::size_t page_no = 0; !url.empty(); ++page_no) {
    if (page_no >= opts_.max_pages) {
      // The rest waits for the next run, which starts from the same cursor.
      spdlog::warn("lead poller {}: form {}: more than {} pages in one run", api_.source, form, opts_.max_pages);
      co_return failed(failure::transient, "more pages than one run reads");
    }
    auto req = channels::api_get(url, api_.timeout);
    req.headers.emplace_back("Authorization", "Bearer " + api_.page_token);
    auto res = co_await http_.async_request(std::move(req));
    if (!res) co_return failed(failure::transient, "Graph API: " + res.error().message);
    auto page = channels::graph::parse_leads_page(res->status, res->body);
    if (!page) co_return std::unexpected(page.error());
    ++stats_.pages;
    const auto now = std::chrono::system_clock::now();
    for (const auto& lead : page->leads) {
      std::string id;
      if (auto it = lead.find("id"); it != lead.end() && it->is_string()) id = it->get<std::string>();
      if (id.empty() || id.size() > 128 || id.find_first_of(": ") != std::string::npos) continue;
      core::lead_event e;
      e.chan = core::channel::facebook_lead_ads;
      e.source = api_.source;
      e.event_id = "facebook:lead:" + id;
      e.received_at = format_rfc3339_ms(now);
      e.contact.ids["facebook_lead"] = id;
      e.extra["fb_form_id"] = form;
      e.extra["fb_polled"] = "1";
      // Without field_data (not granted), the worker fetches the lead like a webhook's.
      if (!channels::graph::apply_lead(lead, api_, e)) e.extra["needs_fetch"] = "facebook_lead";
      if (e.occurred_at.empty()) e.occurred_at = e.received_at;
      if (auto ct = lead.find("created_time"); ct != lead.end() && ct->is_string())
        if (auto t = channels::graph::graph_time(ct->get<std::string>())) newest = std::max(newest, *t);
      std::string key = e.event_id;
      auto r = co_await hooks::async_accept_event(*redis_, opts_.tenant, e, std::move(key), hooks::hook_idempotency_window,
                                                  opts_.max_stream_length, now);
      if (!r) co_return failed(failure::transient, "accept: " + r.error().message);
      if (r->duplicate) {
        ++stats_.duplicates;
      } else {
        ++stats_.accepted;
        ++accepted;
      }
    }
    url = page->next;
    if (!url.empty() && !same_origin(url, api_.base_url))
      co_return failed(failure::permanent, "paging.next leaves the Graph origin");
  }
  if (newest > cursor) {
    std::vector<std::string> set{"SET", cursor_key, std::to_string(newest)};
    auto w = co_await redis_->async_exec(std::move(set));
    if (!w || w->is_error()) co_return failed(failure::transient, "redis: the cursor was not written");
  }
  co_return accepted;
}

void lead_poller::start() {
  running_ = true;
  stop_ = false;
  asio::co_spawn(redis_->context(), [self = shared_from_this()] { return self->schedule(); },
                 [self = shared_from_this()](std::exception_ptr ep) {
                   self->running_ = false;
                   if (ep) spdlog::error("lead poller {} ended: {}", self->api_.source, core::exception_text(ep));
                 });
}

void lead_poller::stop() {
  asio::post(redis_->context(), [self = shared_from_this()] {
    self->stop_ = true;
    self->timer_.cancel();
  });
}

awaitable<void> lead_poller::schedule() {
  std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> spread(1.0 - opts_.jitter, 1.0 + opts_.jitter);
  const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(api_.poll_interval);
  auto backoff = opts_.error_backoff;
  while (!stop_) {
    auto r = co_await async_poll_once();
    std::chrono::milliseconds wait = interval;
    if (r) {
      backoff = opts_.error_backoff;
    } else {
      spdlog::warn("lead poller {}: run failed ({}): {}", api_.source, channels::to_string(r.error().kind),
                   r.error().message);
      wait = std::min(backoff, interval);
      backoff = std::min(backoff * 2, interval);
    }
    wait = std::chrono::milliseconds(static_cast<long long>(static_cast<double>(wait.count()) * spread(rng)));
    if (stop_) break;
    timer_.expires_after(wait);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace lg::gateway
