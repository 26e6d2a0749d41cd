// The Lead Ads poller (see lead_ads_poller.hpp).
#include "pollers/lead_ads_poller.hpp"

#include "core/backoff.hpp"
#include "core/error.hpp"
#include "core/time_format.hpp"
#include "http/url.hpp"
#include "provider_apis/settings.hpp"
#include "store/inbound_log.hpp"
#include "store/poll_cursors.hpp"

#include "logging/logging.hpp"

#include <charconv>
#include <random>

namespace lg::pollers {
namespace {

using provider_apis::api_error;
using provider_apis::failure;

std::unexpected<api_error> failed(failure k, std::string message) {
  return std::unexpected(api_error{k, 0, std::move(message)});
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// paging.next must stay on the configured Graph origin: the Page token goes with it.
bool same_origin(const std::string& url, const std::string& base) {
  auto a = net::parse_http_url(url);
  auto b = net::parse_http_url(base);
  return a && b && a->origin() == b->origin();
}

net::http_client_options client_options(const provider_apis::graph::api_options& api) {
  net::http_client_options o;
  o.extra_ca_file = api.ca_file;
  o.max_idle_per_origin = 2;
  return o;
}

}  // namespace

std::string lead_cursor_key(std::string_view tenant, std::string_view source, std::string_view form) {
  return store::poll_cursor_key(tenant, "fbleads", source, form);
}

std::shared_ptr<lead_ads_poller> lead_ads_poller::create(std::shared_ptr<store::redis_client> redis,
                                                 provider_apis::graph::api_options api, lead_ads_poller_options opts) {
  return std::shared_ptr<lead_ads_poller>(new lead_ads_poller(std::move(redis), std::move(api), std::move(opts)));
}

lead_ads_poller::lead_ads_poller(std::shared_ptr<store::redis_client> redis, provider_apis::graph::api_options api,
                         lead_ads_poller_options opts)
    : redis_(std::move(redis)),
      api_(std::move(api)),
      opts_(std::move(opts)),
      http_(redis_->context().get_executor(), client_options(api_)),
      loop_(redis_->context().get_executor()) {}

awaitable<std::expected<std::size_t, api_error>> lead_ads_poller::async_poll_once() {
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

awaitable<std::expected<std::size_t, api_error>> lead_ads_poller::poll_form(std::string form) {
  const std::string cursor_key = lead_cursor_key(opts_.tenant, api_.source, form);
  auto c = co_await store::async_poll_cursor(*redis_, cursor_key);
  if (!c) co_return failed(failure::transient, "redis: " + c.error().message);
  const std::int64_t cursor = c->value_or(unix_now() - api_.poll_lookback.count());

  std::int64_t newest = cursor;
  std::size_t accepted = 0;
  std::string url = provider_apis::graph::leads_url(api_, form, cursor - 1);
  for (std::size_t page_no = 0; !url.empty(); ++page_no) {
    if (page_no >= opts_.max_pages) {
      // The rest waits for the next run, which starts from the same cursor.
      logging::warn("lead ads poll: more pages than one run takes", {{"source", api_.source}, {"form", form}, {"max_pages", std::to_string(opts_.max_pages)}});
      co_return failed(failure::transient, "more pages than one run reads");
    }
    auto req = provider_apis::api_get(url, api_.timeout);
    req.headers.emplace_back("Authorization", "Bearer " + api_.page_token);
    auto res = co_await http_.async_request(std::move(req));
    if (!res) co_return failed(failure::transient, "Graph API: " + res.error().message);
    auto page = provider_apis::graph::parse_leads_page(res->status, res->body);
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
      e.received_at = core::format_rfc3339_ms(now);
      e.contact.ids["facebook_lead"] = id;
      e.extra["fb_form_id"] = form;
      e.extra["fb_polled"] = "1";
      // Without field_data (not granted), the worker fetches the lead like a webhook's.
      if (!provider_apis::graph::apply_lead(lead, api_, e)) e.extra["needs_fetch"] = "facebook_lead";
      if (e.occurred_at.empty()) e.occurred_at = e.received_at;
      if (auto ct = lead.find("created_time"); ct != lead.end() && ct->is_string())
        if (auto t = provider_apis::graph::graph_time(ct->get<std::string>())) newest = std::max(newest, *t);
      std::string key = e.event_id;
      auto r = co_await store::async_accept_event(*redis_, opts_.tenant, e, std::move(key), store::provider_idempotency_window,
                                                  opts_.limits, now);
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
    auto w = co_await store::async_set_poll_cursor(*redis_, cursor_key, newest);
    if (!w) co_return failed(failure::transient, "redis: the cursor was not written");
  }
  co_return accepted;
}

void lead_ads_poller::start() { loop_.start(schedule(), "lead ads poller " + api_.source, shared_from_this()); }

void lead_ads_poller::stop() { loop_.stop(); }

awaitable<void> lead_ads_poller::schedule() {
  std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> spread(1.0 - opts_.jitter, 1.0 + opts_.jitter);
  const auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(api_.poll_interval);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  unsigned failures = 0;  // runs failed in a row
  while (!loop_.stopping()) {
    auto r = co_await async_poll_once();
    std::chrono::milliseconds wait;
    if (r) {
      failures = 0;
      wait = std::chrono::milliseconds(static_cast<long long>(static_cast<double>(interval.count()) * spread(rng)));
    } else {
      logging::warn("lead ads poll failed", {{"source", api_.source},
                                             {"kind", provider_apis::to_string(r.error().kind)},
                                             {"reason", r.error().message}});
      wait = core::backoff_delay(opts_.error_backoff, interval, failures++, unit(rng));
    }
    co_await loop_.pause(wait);
  }
}

}  // namespace lg::pollers
