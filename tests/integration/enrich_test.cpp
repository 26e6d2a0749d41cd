// Enrichment behind the stream, against real Redis and the fake OA / Graph APIs: the processing
// worker completes a Zalo touch that carries only a user id from the OA profile (after renewing
// a token the API refuses), fetches a Lead Ads lead's field_data before resolving it (after a
// 500), names a Messenger sender from the User Profile API, retries an error-in-200 rate limit
// or refused token, and quarantines a lookup the API says can never succeed (but resolves a
// Messenger touch whose profile Graph will not give, without a name). Entries are acknowledged
// only after their effects are written.
#include "adapters/facebook/facebook.hpp"
#include "adapters/zalo/zalo.hpp"
#include "pipeline/enrich_stage.hpp"
#include "store/tokens.hpp"
#include "support/fake_graph.hpp"
#include "support/fake_zalo_oa.hpp"
#include "support/fixtures.hpp"
#include "identity_harness.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace lg::test {
namespace {

const std::string uid = "5120394857102938475";  // the sender of hooks/zalo_send_text.json
const std::string oa_id = "4410293847561029384";
const std::string leadgen_id = "900100200300";   // hooks/facebook_leadgen.json
const std::string page_id = "771234500001";      // hooks/facebook_message.json
const std::string psid = "24680135790001";

std::string fixture(const std::string& name) { return fixture_text("hooks/" + name); }

core::lead_event zalo_touch() {
  adapters::zalo::parse_context ctx{"zalo-main", "2026-11-23T03:00:00.000Z", ""};
  auto out = adapters::zalo::parse(fixture("zalo_send_text.json"), ctx);
  EXPECT_EQ(out.events.size(), 1u);
  auto e = out.events.at(0);
  e.lead_id = "ld_zalo_touch";
  return e;
}

core::lead_event leadgen_change() {
  adapters::facebook::parse_context ctx{"fb-page", "2026-11-23T03:00:00.000Z", {}};
  auto out = adapters::facebook::parse(fixture("facebook_leadgen.json"), ctx);
  EXPECT_EQ(out.events.size(), 1u);
  auto e = out.events.at(0);
  e.lead_id = "ld_leadgen";
  return e;
}

core::lead_event messenger_touch() {
  adapters::facebook::parse_context ctx{"fb-page", "2026-11-23T03:00:00.000Z", {}};
  auto out = adapters::facebook::parse(fixture("facebook_message.json"), ctx);
  EXPECT_EQ(out.events.size(), 1u);
  auto e = out.events.at(0);
  EXPECT_EQ(e.extra.at("needs_fetch"), "facebook_profile");
  e.lead_id = "ld_messenger";
  return e;
}

struct enrich_fixture {
  std::string tenant = fresh_tenant("enrich");
  fake_zalo_oa oa{"4102938475610293847", "oa-app-secret", "oa-refresh-seed"};
  fake_graph graph{"page-token-1"};
  std::shared_ptr<provider_apis::api_settings> settings = std::make_shared<provider_apis::api_settings>();
  blocking_redis redis;

  enrich_fixture() {
    settings->tenant = tenant;
    provider_apis::zalo::api_options z;
    z.source = "zalo-main";
    z.app_id = "4102938475610293847";
    z.app_secret = "oa-app-secret";
    z.seed_refresh_token = "oa-refresh-seed";
    z.oa_base_url = oa.base_url();
    z.oauth_url = oa.oauth_url();
    z.ca_file = test_ca_file();
    z.timeout = std::chrono::milliseconds(5000);
    settings->zalo.emplace(z.source, z);
    auto g = provider_apis::graph::parse_api_options(
        nlohmann::json{{"page_token", "page-token-1"}, {"graph_base_url", graph.base_url()}, {"ca_file", test_ca_file()}},
        "fb-page", "sources[1].options");
    settings->facebook.emplace("fb-page", *g);
  }

  pipeline::resolve_stage_options options() const {
    auto o = test_worker_options(tenant);
    o.claim_idle = std::chrono::milliseconds(200);
    o.claim_interval = std::chrono::milliseconds(100);
    o.enrich_backoff = std::chrono::milliseconds(50);
    return o;
  }

  worker_thread::prepare_fn prepare() const {
    return [s = settings](asio::io_context& ioc, store::redis_client& c, pipeline::resolve_stage_options& o) {
      auto en = std::make_shared<pipeline::enrich_stage>(ioc.get_executor(), c, s);
      o.enrich = [en](core::lead_event& e) { return en->async_enrich(e); };
    };
  }

  void push(const core::lead_event& e) { redis.exec(xadd_command(tenant, e)); }

  // Runs a worker with the enricher until the stream is drained, and hands its counters to
  // `check` while it still runs.
  void run(const std::function<void(const pipeline::resolve_stage_stats&)>& check) {
    worker_thread w(options(), {}, prepare());
    ASSERT_TRUE(wait_until([&] { return drained(redis, tenant); }, std::chrono::seconds(15)));
    check(w.stats());
  }

  std::vector<nlohmann::json> quarantine() {
    std::vector<nlohmann::json> out;
    for (const auto& entry : redis.exec({"XRANGE", store::keys::quarantine(tenant), "-", "+"}).elements) {
      nlohmann::json j;
      const auto& f = entry.elements.at(1).elements;
      for (std::size_t i = 0; i + 1 < f.size(); i += 2) j[f[i].str] = f[i + 1].str;
      out.push_back(j);
    }
    return out;
  }
};

TEST(Enrich, ZaloTouchGetsTheSharedPhoneAfterTheRefusedTokenIsRenewed) {
  enrich_fixture fx;
  fx.oa.add_user(uid, {"Hà Phạm", "Phạm Thu Hà", "84912000111"});
  // A token the API no longer accepts is still within its stored lifetime: the first call is
  // refused with -216, the manager refreshes once, and the second call succeeds.
  const auto far = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch()).count() + 3'600'000);
  fx.redis.exec({"HSET", store::token_key(fx.tenant, "zalo:zalo-main"), "access_token", "revoked-access",
                 "expires_at_ms", far, "refresh_token", "oa-refresh-seed"});
  fx.push(zalo_touch());
  fx.run([&](const pipeline::resolve_stage_stats& st) {
    EXPECT_EQ(st.enriched.load(), 1u);
    EXPECT_EQ(st.processed.load(), 1u);
  });
  const auto by_phone = fx.redis.find_contact(fx.tenant, "phone:+84912000111");
  ASSERT_FALSE(by_phone.empty()) << "the shared phone did not reach the contact";
  EXPECT_EQ(by_phone, fx.redis.find_contact(fx.tenant, "zalo:" + oa_id + ":" + uid));
  auto name = fx.redis.exec({"HGET", store::keys::prefix(fx.tenant) + "c:" + by_phone, "n"});
  EXPECT_EQ(name.str, "Phạm Thu Hà");
  EXPECT_EQ(fx.oa.refreshes(), 1);
  EXPECT_EQ(fx.oa.profile_requests(), 2);
  EXPECT_EQ(fx.redis.exec({"HGET", store::token_key(fx.tenant, "zalo:zalo-main"), "refresh_token"}).str,
            "oa-refresh-1");
}

TEST(Enrich, ZaloRateLimitInA200IsRetriedAndAnUnknownUserIsQuarantined) {
  enrich_fixture fx;
  fx.oa.add_user(uid, {"Hà Phạm", "", ""});
  fx.oa.queue_profile_reply({200, {{"Content-Type", "application/json"}}, R"({"error":-32,"message":"Exceed rate limit"})"});
  auto known = zalo_touch();
  auto unknown = zalo_touch();
  unknown.event_id = "zalo:msg:unknown-user-1";
  unknown.contact.ids["zalo"] = "7000000000000000001";
  fx.push(known);
  fx.push(unknown);
  fx.run([&](const pipeline::resolve_stage_stats& st) {
    EXPECT_GE(st.enrich_retries.load(), 1u);
    EXPECT_EQ(st.enrich_failures.load(), 1u);
    EXPECT_EQ(st.processed.load(), 1u);
  });
  const auto contact = fx.redis.find_contact(fx.tenant, "zalo:" + oa_id + ":" + uid);
  ASSERT_FALSE(contact.empty());
  EXPECT_EQ(fx.redis.exec({"HGET", store::keys::prefix(fx.tenant) + "c:" + contact, "n"}).str, "Hà Phạm");
  EXPECT_TRUE(fx.redis.find_contact(fx.tenant, "zalo:" + oa_id + ":7000000000000000001").empty());
  auto q = fx.quarantine();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0]["stage"], "process");
  EXPECT_NE(q[0]["reason"].get<std::string>().find("-201"), std::string::npos) << q[0].dump();
  // One entry shape for every stage: the event's JSON is the body, its source and channel named.
  EXPECT_NE(q[0]["body"].get<std::string>().find("unknown-user-1"), std::string::npos) << q[0].dump();
  EXPECT_EQ(q[0]["channel"], "zalo");
  EXPECT_FALSE(q[0]["entry_id"].get<std::string>().empty());
}

TEST(Enrich, LeadAdsLeadIsFetchedAfterA500AndResolvedWithItsFields) {
  enrich_fixture fx;
  fx.graph.add_lead({leadgen_id, "555000111", 1731000100,
                     {{"full_name", "Trần Văn Minh"}, {"phone_number", "+84987654321"}, {"email", "minh@example.com"},
                      {"city", "Đà Nẵng"}}});
  fx.graph.queue_reply("/" + leadgen_id + "?", {500, {}, "upstream error"});
  fx.push(leadgen_change());
  fx.run([&](const pipeline::resolve_stage_stats& st) {
    EXPECT_EQ(st.enrich_retries.load(), 1u);
    EXPECT_EQ(st.enriched.load(), 1u);
  });
  EXPECT_EQ(fx.graph.requests(), 2u);
  const auto contact = fx.redis.find_contact(fx.tenant, "phone:+84987654321");
  ASSERT_FALSE(contact.empty());
  EXPECT_EQ(contact, fx.redis.find_contact(fx.tenant, "fblead:" + leadgen_id));
  EXPECT_EQ(contact, fx.redis.find_contact(fx.tenant, "email:minh@example.com"));
  EXPECT_EQ(fx.redis.exec({"HGET", store::keys::prefix(fx.tenant) + "c:" + contact, "n"}).str, "Trần Văn Minh");
  // The request carried the Page token in a header, not in the URL.
  for (const auto& t : fx.graph.targets()) EXPECT_EQ(t.find("page-token-1"), std::string::npos) << t;
  EXPECT_TRUE(fx.quarantine().empty());
}

TEST(Enrich, LeadTheGraphDoesNotKnowIsQuarantined) {
  enrich_fixture fx;  // no lead added: Graph answers error 100
  fx.push(leadgen_change());
  fx.run([&](const pipeline::resolve_stage_stats& st) {
    EXPECT_EQ(st.enrich_failures.load(), 1u);
  });
  auto q = fx.quarantine();
  ASSERT_EQ(q.size(), 1u);
  EXPECT_NE(q[0]["reason"].get<std::string>().find("does not exist"), std::string::npos) << q[0].dump();
  EXPECT_TRUE(fx.redis.find_contact(fx.tenant, "fblead:" + leadgen_id).empty());
}

TEST(Enrich, MessengerSenderIsNamedFromTheProfileAfterA500) {
  enrich_fixture fx;
  fx.graph.add_user(psid, {"Lan", "Nguyễn", "Lan Nguyễn"});
  fx.graph.queue_reply("/" + psid + "?", {500, {}, "upstream error"});
  fx.push(messenger_touch());
  fx.run([&](const pipeline::resolve_stage_stats& st) {
    EXPECT_EQ(st.enrich_retries.load(), 1u);
    EXPECT_EQ(st.enriched.load(), 1u);
    EXPECT_EQ(st.processed.load(), 1u);
  });
  ASSERT_EQ(fx.graph.requests(), 2u);
  for (const auto& t : fx.graph.targets()) {
    EXPECT_EQ(t, "/v19.0/" + psid + "?fields=first_name,last_name,name");  // the token is not in it
  }
  const auto contact = fx.redis.find_contact(fx.tenant, "fb:" + page_id + ":" + psid);
  ASSERT_FALSE(contact.empty());
  // Family name first, as every full name here.
  EXPECT_EQ(fx.redis.exec({"HGET", store::keys::prefix(fx.tenant) + "c:" + contact, "n"}).str, "Nguyễn Lan");
  EXPECT_TRUE(fx.quarantine().empty());
}

TEST(Enrich, MessengerProfileErrorsInA200AreRetriedAndARefusedProfileLeavesTheTouchUnnamed) {
  enrich_fixture fx;
  fx.graph.add_user(psid, {"Thị Lan", "Nguyễn", "Nguyễn Thị Lan"});
  const auto error_200 = [](int code, const char* message) {
    return scripted_reply{200, {{"Content-Type", "application/json"}},
                          nlohmann::json{{"error", {{"message", message}, {"type", "OAuthException"}, {"code", code}}}}.dump()};
  };
  // Throttled, then a token Graph refuses (it comes from config: the entry waits), then the name.
  fx.graph.queue_reply("/" + psid + "?", error_200(4, "Application request limit reached"));
  fx.graph.queue_reply("/" + psid + "?", error_200(190, "Error validating access token"));
  // A sender Graph will not describe (error 100): the touch is still a lead, without a name.
  auto hidden = messenger_touch();
  hidden.event_id = "facebook:mid:m_hidden_profile";
  hidden.contact.ids["facebook"] = "13579246800002";
  fx.graph.queue_reply("/13579246800002?", error_200(100, "No profile available for this user"));
  fx.push(messenger_touch());
  fx.push(hidden);
  fx.run([&](const pipeline::resolve_stage_stats& st) {
    EXPECT_EQ(st.enrich_retries.load(), 2u);
    EXPECT_EQ(st.enrich_failures.load(), 0u);
    EXPECT_EQ(st.processed.load(), 2u);
  });
  EXPECT_EQ(fx.graph.requests(), 4u);
  const auto named = fx.redis.find_contact(fx.tenant, "fb:" + page_id + ":" + psid);
  ASSERT_FALSE(named.empty());
  EXPECT_EQ(fx.redis.exec({"HGET", store::keys::prefix(fx.tenant) + "c:" + named, "n"}).str, "Nguyễn Thị Lan");
  const auto unnamed = fx.redis.find_contact(fx.tenant, "fb:" + page_id + ":13579246800002");
  ASSERT_FALSE(unnamed.empty()) << "the touch without a profile was not resolved";
  EXPECT_NE(unnamed, named);
  EXPECT_EQ(fx.redis.exec({"HGET", store::keys::prefix(fx.tenant) + "c:" + unnamed, "n"}).str, "");
  EXPECT_TRUE(fx.quarantine().empty());
}

TEST(Enrich, MessengerTouchThatIsAlreadyNamedAsksNothing) {
  enrich_fixture fx;
  fx.graph.add_user(psid, {"Na", "Bé", "Bé Na"});
  auto e = messenger_touch();
  e.contact.full_name = "Nguyễn Thị Lan";
  fx.push(e);
  fx.run([&](const pipeline::resolve_stage_stats& st) {
    EXPECT_EQ(st.processed.load(), 1u);
  });
  EXPECT_EQ(fx.graph.requests(), 0u);
  const auto contact = fx.redis.find_contact(fx.tenant, "fb:" + page_id + ":" + psid);
  ASSERT_FALSE(contact.empty());
  EXPECT_EQ(fx.redis.exec({"HGET", store::keys::prefix(fx.tenant) + "c:" + contact, "n"}).str, "Nguyễn Thị Lan");
}

}  // namespace
}  // namespace lg::test
