// The sugarcrm destination tests' fixture of sugarcrm_harness.hpp.
#include "sugarcrm_harness.hpp"

namespace lg::test {

void sugarcrm_test::SetUp() {
  delivery_test::SetUp();
  seed_team(0);
}

void sugarcrm_test::seed_team(int capacity) {
  store::team_record t;
  t.id = "hn";
  t.members = {store::member_record{"m1", "Lan", "crm-user-7", 1, capacity, true, ""},
               store::member_record{"m2", "Minh", "crm-user-8", 1, capacity, true, ""}};
  run([&]() -> awaitable<void> {
    auto r = co_await store::async_seed_team(*redis_, assign_opts(), t, true);
    EXPECT_TRUE(r.has_value());
  });
}

store::clock_point sugarcrm_test::at(int minutes) {
  return store::clock_point{1'763'866'800'000 + minutes * 60'000LL, 600 + minutes, 1};
}

store::sweep_result sugarcrm_test::sweep(int minutes) {
  store::sweep_result out;
  run([&]() -> awaitable<void> {
    auto r = co_await store::async_sweep(*redis_, assign_opts(), at(minutes));
    EXPECT_TRUE(r.has_value());
    if (r) out = *r;
  });
  return out;
}

store::assign_options sugarcrm_test::assign_opts() const {
  store::assign_options o;
  o.tenant = tenant_;
  return o;
}

void sugarcrm_test::run(std::function<awaitable<void>()> body) { ASSERT_TRUE(run_bounded(ioc_, std::move(body), std::chrono::seconds(20))); }

std::string sugarcrm_test::contact(const std::string& event_id, const std::string& name, const std::string& phone,
                                   const std::string& email) {
  core::lead_event e;
  e.event_id = event_id;
  e.lead_id = "L-" + event_id;
  e.source = "website";
  e.received_at = e.occurred_at = "2026-11-23T03:00:00.000Z";
  e.contact.full_name = name;
  e.contact.phones = {phone};
  if (!email.empty()) e.contact.emails = {email};
  e.campaign.utm["utm_campaign"] = "he-2026";
  store::resolve_options ro;
  ro.tenant = tenant_;
  std::string id;
  run([&]() -> awaitable<void> {
    auto r = co_await store::async_resolve(*redis_, e, ro);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    if (r) id = r->contact_id;
  });
  return id;
}

webhooks::delivery_item sugarcrm_test::assign(const std::string& event_id, const std::string& contact_id, bool given,
                                              int sla_minutes) {
  store::assign_request req;
  req.event_id = event_id;
  req.lead_id = "L-" + event_id;
  req.contact_id = contact_id;
  req.team = "hn";
  req.sla_minutes = sla_minutes;
  run([&]() -> awaitable<void> {
    auto r = co_await store::async_assign(*redis_, assign_opts(), req, at(0));
    EXPECT_TRUE(r.has_value());
  });
  if (!given) return {};
  auto item = newest_outbox_item();
  EXPECT_EQ(nlohmann::json::parse(item.data).value("event", ""), event_id) << "no outbox entry for " << event_id;
  return item;
}

webhooks::delivery_item sugarcrm_test::newest_outbox_item() {
  webhooks::delivery_item item;
  auto entries = exec({"XREVRANGE", store::keys::outbox(tenant_), "+", "-", "COUNT", "1"});
  if (!entries || entries->elements.empty()) return item;
  const auto& entry = entries->elements[0];
  item.id = entry.elements[0].str;
  nlohmann::json data = nlohmann::json::object();
  for (std::size_t i = 0; i + 1 < entry.elements[1].elements.size(); i += 2)
    data[entry.elements[1].elements[i].str] = entry.elements[1].elements[i + 1].str;
  item.type = data.value("type", "lead.assigned");
  item.contact = data.value("contact_id", "");
  item.data = data.dump();
  return item;
}

sg::options sugarcrm_test::crm_options(const fake_sugarcrm& crm) const {
  sg::options o;
  o.tenant = tenant_;
  o.destination = "crm";
  o.base_url = crm.base_url();
  o.client_id = "dotb";
  o.username = "api_gateway";
  o.password = "pw-123";
  o.platform = "leadgate";
  o.two_way = true;
  o.timeout = std::chrono::milliseconds(3000);
  o.page_size = 2;  // small pages: pagination is exercised by a handful of records
  return o;
}

webhooks::attempt_result sugarcrm_test::deliver(sg::destination_parts& d, const webhooks::delivery_item& item) {
  webhooks::attempt_result out;
  run([&]() -> awaitable<void> { out = co_await d.push->async_deliver(item); });
  return out;
}

sg::pull_stats sugarcrm_test::pull(sg::destination_parts& d) {
  sg::pull_stats out;
  run([&]() -> awaitable<void> {
    auto r = co_await d.pull->async_run_once();
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    if (r) out = *r;
  });
  return out;
}

std::string sugarcrm_test::synced(sg::destination_parts& d, const std::string& event_id, const std::string& name,
                                  const std::string& phone, const std::string& email) {
  const auto c = contact(event_id, name, phone, email);
  const auto r = deliver(d, assign(event_id, c));
  EXPECT_EQ(r.kind, webhooks::attempt_kind::delivered) << r.error << " " << r.reply;
  return c;
}

sg::destination_parts sugarcrm_test::parts(const fake_sugarcrm& crm) {
  return sg::make_destination(ioc_.get_executor(), redis_, crm_options(crm), nullptr);
}

std::int64_t sugarcrm_test::synced_then_frozen(fake_sugarcrm& crm, sg::destination_parts& d, const std::string& tag,
                                               const std::string& name, const std::string& phone, int n,
                                               std::vector<std::string>& contacts, std::vector<std::string>& ids) {
  for (int i = 0; i < n; ++i) {
    const auto ev = "form:" + tag + std::to_string(i);
    contacts.push_back(contact(ev, name + std::to_string(i), phone + std::to_string(i)));
    const auto r = deliver(d, assign(ev, contacts.back()));
    EXPECT_EQ(r.kind, webhooks::attempt_kind::delivered) << r.error;
    if (r.kind == webhooks::attempt_kind::delivered) ids.push_back(record_of(contacts.back()));
  }
  pull(d);
  const auto t = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count() + 100;
  crm.freeze_clock(t);
  return t;
}

config::destination_config sugarcrm_test::two_way_crm(const fake_sugarcrm& crm) const {
  auto dest = destination("crm", crm.base_url());
  dest.type = "sugarcrm";
  dest.secrets.clear();
  dest.direction = "two_way";
  dest.credentials["password"] = "pw-123";
  dest.options = {{"client_id", "dotb"}, {"username", "api_gateway"}, {"platform", "leadgate"},
                  {"poll_interval_ms", 600000}, {"page_size", 10}, {"password", {{"env", "UNUSED"}}}};
  return dest;
}

std::string sugarcrm_test::hget(const std::string& key, const std::string& field) {
  auto r = exec({"HGET", key, field});
  return r ? r->str : std::string();
}

std::string sugarcrm_test::record_of(const std::string& contact_id) {
  return hget(store::sync_keys::record_ids(tenant_, "crm"), contact_id);
}

std::vector<nlohmann::json> sugarcrm_test::crm_entries(const std::string& contact_id) {
  std::vector<nlohmann::json> out;
  auto r = exec({"LRANGE", store::keys::prefix(tenant_) + "tl:" + contact_id, "0", "-1"});
  if (!r) return out;
  for (const auto& e : r->elements) {
    auto j = nlohmann::json::parse(e.str, nullptr, false);
    if (j.is_object() && j.value("k", "") == "crm") out.push_back(j);
  }
  return out;
}

}  // namespace lg::test
