// The identity and worker integration tests' helpers of identity_harness.hpp.
#include "identity_harness.hpp"

namespace lg::test {

void normalize_contact(core::lead_event& e) {
  auto& c = e.contact;
  std::vector<std::string> phones;
  for (const auto& p : c.phones) {
    if (auto n = core::normalize_phone(p)) phones.push_back(*n); else c.invalid_phones.push_back(p);
  }
  c.phones = std::move(phones);
  std::vector<std::string> emails;
  for (const auto& m : c.emails) {
    if (auto n = core::normalize_email(m)) emails.push_back(*n); else c.invalid_emails.push_back(m);
  }
  c.emails = std::move(emails);
  if (!c.full_name.empty()) {
    c.full_name = core::normalize_name(c.full_name);
    auto parts = core::split_vietnamese_name(c.full_name);
    c.family_name = parts.family;
    c.given_name = parts.given;
  }
}

core::lead_event web_form_event(const std::string& event_id, const std::string& lead_id,
                                const std::string& full_name, const std::string& at) {
  core::lead_event e;
  e.event_id = event_id;
  e.lead_id = lead_id;
  e.source = "web-main";
  e.chan = core::channel::web_form;
  e.occurred_at = e.received_at = at;
  e.contact.full_name = full_name;
  return e;
}

std::vector<std::string> xadd_command(const std::string& tenant, const core::lead_event& e) {
  nlohmann::json j = e;
  return {"XADD", store::keys::inbound(tenant), "*", "lead", j.dump(), "lead_id", e.lead_id};
}

worker_thread::worker_thread(pipeline::resolve_stage_options opts, pipeline::processed_handler h, prepare_fn prepare) {
  client_ = store::redis_client::create(ioc_, test_redis_options());
  client_->start();
  if (prepare) prepare(ioc_, *client_, opts);
  worker_ = pipeline::resolve_stage::create(client_, std::move(opts), std::move(h));
  worker_->start();
  thread_ = std::thread([this] { ioc_.run(); });
}

worker_thread::~worker_thread() {
  asio::post(ioc_, [w = worker_] { w->stop(); });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (worker_->running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  asio::post(ioc_, [c = client_] { c->stop(); });
  ioc_.stop();
  thread_.join();
}

pipeline::resolve_stage_options test_worker_options(const std::string& tenant) {
  pipeline::resolve_stage_options o;
  o.tenant = tenant;
  o.block = std::chrono::milliseconds(100);
  o.claim_idle = std::chrono::milliseconds(1000);
  o.claim_interval = std::chrono::milliseconds(200);
  o.trim_interval = std::chrono::milliseconds(200);
  o.default_team = "hn-1";
  return o;
}

bool drained(blocking_redis& r, const std::string& tenant) {
  auto groups = r.exec({"XINFO", "GROUPS", store::keys::inbound(tenant)});
  if (!groups.is_array() || groups.elements.empty()) return false;
  const auto& g = groups.elements[0];
  long long pending = -1, lag = -1;
  for (std::size_t i = 0; i + 1 < g.elements.size(); i += 2) {
    if (g.elements[i].str == "pending") pending = g.elements[i + 1].integer;
    if (g.elements[i].str == "lag") lag = g.elements[i + 1].is_nil() ? -1 : g.elements[i + 1].integer;
  }
  return pending == 0 && lag == 0;
}

bool wait_until(const std::function<bool()>& cond, std::chrono::seconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}

bool wait_drained(blocking_redis& r, const std::string& tenant,
                  std::chrono::seconds limit) {
  return wait_until([&] { return drained(r, tenant); }, limit);
}

}  // namespace lg::test
