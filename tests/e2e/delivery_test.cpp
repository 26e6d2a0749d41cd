// Delivery from the built binary: a form post reaches a local webhook receiver as signed
// contact.created and lead.assigned events (in that order for the contact); two processes
// running the same destination deliver every change once (the lease keeps the destination to
// one of them); a gateway killed with SIGKILL in the middle of a run loses nothing and
// delivers nothing under a second id after a restart (the receiver dedupes on webhook-id and
// counts).
#include "support/e2e.hpp"
#include "support/fake_receiver.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <map>

namespace lg::test {
namespace {

using http::verb;

const std::string secret = "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
const std::string secret_env = "LG_E2E_DELIVERY_WHSEC=" + secret;

std::string config_text(const std::string& tenant, const std::string& receiver_url) {
  auto j = config_head(tenant);
  j["processing"] = {{"workers", 1}, {"claim_idle_ms", 1000}, {"delivery_lease_ms", 1000}};
  j["teams"] = {{{"id", "hq"}, {"members", {{{"id", "a1"}, {"crm_user_id", "u-1"}}}}}};
  j["routing"] = {{"default_team", "hq"}, {"rules", nlohmann::json::array()}};
  j["sources"] = nlohmann::json::array({website_source()});
  j["destinations"] = {{{"id", "crm-hook"},
                        {"type", "webhook"},
                        {"url", receiver_url},
                        {"secrets", {{{"env", "LG_E2E_DELIVERY_WHSEC"}}}},
                        {"events", {"contact.*", "lead.assigned"}},
                        {"retry", {{"schedule_s", {0.1, 0.2, 0.5}}, {"jitter", 0}}}}};
  return j.dump(2);
}

unsigned post_form(unsigned short port, const std::string& name, const std::string& phone) {
  return post_website_form(port, "ho_ten=" + name + "&sdt=" + phone).status;
}

std::string phone(std::size_t i) {
  auto digits = std::to_string(1000000 + i);
  return "%2B8491" + digits;  // +8491 and 7 digits: distinct Vietnamese mobiles
}

// Per contact, the event types of the first deliveries in arrival order.
std::map<std::string, std::vector<std::string>> types_per_contact(const fake_receiver& r) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& d : r.deliveries()) {
    const auto& p = d.payload;
    if (!p.is_object() || !p.contains("data")) continue;
    out[p["data"].value("contact_id", "")].push_back(p.value("type", ""));
  }
  return out;
}

// Every contact got contact.created, then lead.assigned, and nothing else.
void expect_created_then_assigned(const fake_receiver& r, std::size_t contacts) {
  const auto per = types_per_contact(r);
  EXPECT_EQ(per.size(), contacts);
  for (const auto& [c, types] : per)
    EXPECT_EQ(types, (std::vector<std::string>{"contact.created", "lead.assigned"})) << c;
}

struct gateway_run {
  std::string tenant;
  std::filesystem::path cfg;
  explicit gateway_run(const std::string& name, const std::string& url) {
    tenant = fresh_tenant("e2e-" + name);
    cfg = write_temp("leadgate.json", config_text(tenant, url));
  }
  ~gateway_run() { std::filesystem::remove_all(cfg.parent_path()); }
  child_process serve(const std::vector<std::string>& extra = {}) const {
    return lg::test::serve(cfg, {secret_env}, extra);
  }
};

// Every test here needs the test Redis and a receiver checking signatures with `secret`.
class E2EDelivery : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(redis_url().empty()) << "LG_TEST_REDIS_URL is not set"; }
  fake_receiver receiver{secret};
};

TEST_F(E2EDelivery, FormPostReachesTheReceiverSigned) {
  gateway_run run("delivery", receiver.url());
  child_process p = run.serve();
  const auto port = start_ready(p);
  ASSERT_NE(port, 0);

  ASSERT_EQ(post_form(port, "Nguy%E1%BB%85n+Th%E1%BB%8B+Lan", "0912345678"), 202u);
  ASSERT_TRUE(receiver.wait_unique(2, std::chrono::seconds(15)));
  const auto got = receiver.deliveries();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(receiver.bad_signatures(), 0u);
  EXPECT_EQ(got[0].payload.value("type", ""), "contact.created");
  EXPECT_EQ(got[1].payload.value("type", ""), "lead.assigned");
  const auto& created = got[0].payload["data"];
  const auto& assigned = got[1].payload["data"];
  EXPECT_FALSE(created.value("contact_id", "").empty());
  EXPECT_EQ(created.value("contact_id", ""), assigned.value("contact_id", ""));
  EXPECT_EQ(created.value("source", ""), "website");
  EXPECT_EQ(created.value("channel", ""), "web_form");
  EXPECT_EQ(assigned.value("assigned_user_id", ""), "u-1");
  EXPECT_EQ(assigned.value("team_id", ""), "hq");
  EXPECT_NE(got[0].id, got[1].id);
  p.signal(SIGTERM);
  EXPECT_TRUE(p.wait(std::chrono::seconds(15)).has_value());
}

TEST_F(E2EDelivery, TwoProcessesDeliverEachChangeOnce) {
  gateway_run run("delivery2", receiver.url());
  child_process a = run.serve();
  const auto port = start_ready(a);
  ASSERT_NE(port, 0);
  child_process b = run.serve({"--roles", "process"});
  ASSERT_TRUE(b.read_line(std::chrono::seconds(10)).has_value());

  constexpr std::size_t n = 150;
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(post_form(port, "Hoc+Vien+" + std::to_string(i), phone(i)), 202u);
  ASSERT_TRUE(receiver.wait_unique(2 * n, std::chrono::seconds(30))) << receiver.unique();
  EXPECT_EQ(receiver.duplicates(), 0u);  // one deliverer at a time: no id sent twice
  EXPECT_EQ(receiver.bad_signatures(), 0u);
  expect_created_then_assigned(receiver, n);
  a.signal(SIGTERM);
  b.signal(SIGTERM);
  EXPECT_TRUE(a.wait(std::chrono::seconds(15)).has_value());
  EXPECT_TRUE(b.wait(std::chrono::seconds(15)).has_value());
}

TEST_F(E2EDelivery, KilledGatewayLosesNothingAfterRestart) {
  gateway_run run("delivery-kill", receiver.url());
  constexpr std::size_t n = 300;
  {
    child_process p = run.serve();
    const auto port = start_ready(p);
    ASSERT_NE(port, 0);
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(post_form(port, "Hoc+Vien+" + std::to_string(i), phone(i)), 202u);
    // Killed while it delivers: some changes out, the rest in Redis (inbound, outbox, streams).
    ASSERT_TRUE(receiver.wait_unique(20, std::chrono::seconds(15)));
    p.signal(SIGKILL);
    p.wait(std::chrono::seconds(10));
  }
  const auto before_restart = receiver.unique();
  EXPECT_LT(before_restart, 2 * n) << "the run ended before the kill; nothing was tested";
  child_process q = run.serve();
  const auto port = start(q);
  ASSERT_NE(port, 0);
  // The dead process's lease runs out (1 s), its pending inbound entries are claimed (1 s idle).
  ASSERT_TRUE(receiver.wait_unique(2 * n, std::chrono::seconds(30))) << receiver.unique();
  // Nothing more arrives under another id: every change once, whatever was resent kept its id.
  const auto settled = receiver.requests();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(receiver.requests(), settled);
  EXPECT_EQ(receiver.unique(), 2 * n);
  EXPECT_EQ(receiver.bad_signatures(), 0u);
  expect_created_then_assigned(receiver, n);
  q.signal(SIGTERM);
  EXPECT_TRUE(q.wait(std::chrono::seconds(15)).has_value());
}

}  // namespace
}  // namespace lg::test
