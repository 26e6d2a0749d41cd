// A destination that rejects (400) fills its dead letters with the reply kept while another
// destination stays current; the admin API shows health, lag, breaker and counts, lists the
// dead letters, and replays them (all, or chosen ids) once the receiver accepts again.
#include "core/digest.hpp"
#include "delivery_harness.hpp"
#include "support/http_test_client.hpp"

#include <nlohmann/json.hpp>

namespace lg::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const std::string admin_token = "admin-token-for-delivery-tests-0123";
const std::string viewer_token = "viewer-token-for-delivery-tests-0123";

class delivery_admin_test : public delivery_test {
 protected:
  config::config server_config(std::vector<config::destination_config> dests) {
    auto c = test_config(url_);
    c.tenant = tenant_;
    c.destinations = std::move(dests);
    c.admin.tokens.push_back({"ops", "admin", "", core::sha256_hex(admin_token)});
    c.admin.tokens.push_back({"look", "viewer", "", core::sha256_hex(viewer_token)});
    return c;
  }
  static http_answer call(unsigned short port, http::verb m, const std::string& target, const std::string& token,
                          const std::string& body = {}) {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
    if (!body.empty()) h["Content-Type"] = "application/json";
    return http_request(port, m, target, body, h);
  }
};

TEST_F(delivery_admin_test, RejectingDestinationFillsDeadLettersOtherStaysCurrentReplayDelivers) {
  constexpr std::size_t n = 200;
  fake_receiver bad(whsec_a), good(whsec_a);
  bad.set_mode(fake_receiver::mode::reject);
  auto cfg = server_config({destination("bad", bad.url()), destination("good", good.url())});
  test_server srv(cfg);
  ASSERT_TRUE(srv.wait_ready());
  write_outbox(n, 10);
  auto pool = make_pool(cfg);
  pool->start();
  ASSERT_TRUE(good.wait_unique(n, 15s));
  wait_for([&] { return integer({"XLEN", store::keys::dead_letters(tenant_, "bad")}) >= static_cast<long long>(n); }, 10s);
  EXPECT_EQ(integer({"XLEN", store::keys::dead_letters(tenant_, "bad")}), static_cast<long long>(n));
  EXPECT_EQ(bad.requests(), n);  // one attempt each: a 400 is never retried
  EXPECT_EQ(good.duplicates(), 0u);

  // The overview.
  auto a = call(srv.port(), http::verb::get, "/admin/v1/destinations", viewer_token);
  ASSERT_EQ(a.status, 200u) << a.body;
  auto body = json::parse(a.body);
  ASSERT_EQ(body["destinations"].size(), 2u);
  const auto& b = body["destinations"][0];
  EXPECT_EQ(b["id"], "bad");
  EXPECT_EQ(b["dead_letters"], n);
  EXPECT_EQ(b["counts"]["dead"], n);
  EXPECT_EQ(b["breaker"]["state"], "closed");  // a 400 is an answer: the destination is up
  EXPECT_EQ(b["last"]["status"], "400");
  EXPECT_EQ(b["origin"], bad.url().substr(0, bad.url().find("/hooks")));
  const auto& g = body["destinations"][1];
  EXPECT_EQ(g["counts"]["delivered"], n);
  EXPECT_EQ(g["lag"]["total"], 0);
  EXPECT_EQ(g["health"], "ok");

  // The dead letters, newest first, paged, with the reply kept.
  a = call(srv.port(), http::verb::get, "/admin/v1/destinations/bad/dead?limit=3", viewer_token);
  ASSERT_EQ(a.status, 200u) << a.body;
  body = json::parse(a.body);
  ASSERT_EQ(body["entries"].size(), 3u);
  const auto& e = body["entries"][0];
  EXPECT_EQ(e["status"], 400);
  EXPECT_EQ(e["reply"], R"({"error":"contact_id not accepted"})");
  EXPECT_EQ(e["type"], "lead.assigned");
  // Lanes deliver contacts in parallel, so the last entry written need not be the last to die:
  // newest first means by dead-letter id.
  EXPECT_TRUE(e["data"]["event"].get<std::string>().starts_with("e000")) << e.dump();
  auto id_of = [](const json& x) {
    const std::string id = x["id"];
    const auto dash = id.find('-');
    return std::pair{std::stoull(id.substr(0, dash)), std::stoull(id.substr(dash + 1))};
  };
  EXPECT_GT(id_of(e), id_of(body["entries"][1]));
  EXPECT_GT(id_of(body["entries"][1]), id_of(body["entries"][2]));
  EXPECT_TRUE(e["reason"].get<std::string>().starts_with("rejected: HTTP 400"));
  EXPECT_TRUE(body["next"].is_string());
  const std::string first_id = e["id"];
  const std::string second_id = body["entries"][1]["id"];

  // Bad input and roles.
  EXPECT_EQ(call(srv.port(), http::verb::get, "/admin/v1/destinations/nope/dead", viewer_token).status, 404u);
  EXPECT_EQ(call(srv.port(), http::verb::get, "/admin/v1/destinations/bad/dead?limit=0", viewer_token).status, 400u);
  EXPECT_EQ(call(srv.port(), http::verb::post, "/admin/v1/destinations/bad/replay", viewer_token, "{}").status, 403u);
  EXPECT_EQ(call(srv.port(), http::verb::post, "/admin/v1/destinations/bad/replay", "wrong-token-0123456789", "{}").status,
            401u);
  EXPECT_EQ(call(srv.port(), http::verb::post, "/admin/v1/destinations/bad/replay", admin_token, R"({"ids":["x"]})").status,
            400u);
  EXPECT_EQ(call(srv.port(), http::verb::post, "/admin/v1/destinations/bad/replay", admin_token, "[1]").status, 400u);

  // Replay two chosen ones, then the rest.
  bad.set_mode(fake_receiver::mode::up);
  a = call(srv.port(), http::verb::post, "/admin/v1/destinations/bad/replay", admin_token,
           json{{"ids", {first_id, second_id}}}.dump());
  ASSERT_EQ(a.status, 200u) << a.body;
  body = json::parse(a.body);
  EXPECT_EQ(body["replayed"], 2);
  EXPECT_EQ(body["dead_letters_left"], n - 2);
  ASSERT_TRUE(bad.wait_unique(2, 10s));
  a = call(srv.port(), http::verb::post, "/admin/v1/destinations/bad/replay", admin_token);
  ASSERT_EQ(a.status, 200u) << a.body;
  EXPECT_EQ(json::parse(a.body)["replayed"], n - 2);
  ASSERT_TRUE(bad.wait_unique(n, 15s));
  pool->stop();
  EXPECT_EQ(bad.unique(), n);
  EXPECT_EQ(bad.duplicates(), 0u);
  EXPECT_EQ(bad.bad_signatures(), 0u);
  EXPECT_EQ(integer({"XLEN", store::keys::dead_letters(tenant_, "bad")}), 0);
  // The replayed ids are the original delivery ids.
  std::set<std::string> good_ids, bad_ids;
  for (const auto& d : good.deliveries()) good_ids.insert(d.id);
  for (const auto& d : bad.deliveries()) bad_ids.insert(d.id);
  EXPECT_EQ(good_ids, bad_ids);
}

TEST_F(delivery_admin_test, OverviewShowsLagAndOpenBreakerWhileDown) {
  fake_receiver rx(whsec_a);
  rx.set_mode(fake_receiver::mode::down);
  auto d = destination("crm", rx.url());
  d.breaker_failures = 2;
  d.breaker_open = 10s;
  auto cfg = server_config({d});
  test_server srv(cfg);
  ASSERT_TRUE(srv.wait_ready());
  // Written five seconds ago (the ids carry the time), so the lag has an age without waiting.
  const auto written_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count() - 5000;
  write_outbox(30, 30, 0, written_ms);
  auto pool = make_pool(cfg);
  pool->start();
  ASSERT_TRUE(wait_for([&] { return integer({"HLEN", store::keys::delivery_parked(tenant_, "crm")}) == 2 &&
                                    integer({"XLEN", store::keys::destination_stream(tenant_, "crm")}) == 28; },
                       10s));
  auto a = call(srv.port(), http::verb::get, "/admin/v1/destinations", viewer_token);
  pool->stop();
  ASSERT_EQ(a.status, 200u) << a.body;
  const auto body = json::parse(a.body);
  const auto& x = body["destinations"][0];
  EXPECT_EQ(x["health"], "down");
  EXPECT_EQ(x["breaker"]["state"], "open");
  EXPECT_EQ(x["lag"]["parked"], 2);
  EXPECT_EQ(x["lag"]["stream"], 28);
  EXPECT_EQ(x["lag"]["total"], 30);
  EXPECT_GE(x["lag"]["oldest_age_s"].get<double>(), 5.0);
  EXPECT_LT(x["lag"]["oldest_age_s"].get<double>(), 120.0);
  EXPECT_TRUE(x["lag"]["next_retry_ms"].is_number());
  EXPECT_EQ(x["last"]["status"], "503");
}

}  // namespace
}  // namespace lg::test
