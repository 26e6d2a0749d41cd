// The pure helpers of the pipeline stages: reading an inbound entry, its quarantine entry, the
// enrichment backoff (pipeline/inbound_entry), and the conversions the assign stage hands to
// store::async_assign (pipeline/assign_stage).
#include "pipeline/assign_stage.hpp"
#include "pipeline/inbound_entry.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lg::pipeline {
namespace {

using namespace std::chrono_literals;

store::stream_entry entry(std::vector<std::pair<std::string, std::string>> fields) {
  return store::stream_entry{"1796607000000-0", std::move(fields)};
}

struct read_case {
  const char* name;
  std::vector<std::pair<std::string, std::string>> fields;
  const char* error;  // a prefix of the reason; nullptr: reads
};

TEST(InboundEntry, ReadsTheEventOrSaysWhyNot) {
  const std::string ok = R"({"event_id":"web_form:submit:1","lead_id":"L1","source":"site","channel":"web_form",)"
                         R"("contact":{"full_name":"Nguyễn Văn An"}})";
  const std::vector<read_case> cases = {
      {"an event", {{"lead", ok}, {"lead_id", "L1"}}, nullptr},
      {"the field elsewhere in the entry", {{"lead_id", "L1"}, {"lead", ok}}, nullptr},
      {"no event field", {{"lead_id", "L1"}}, "no 'lead' field"},
      {"not JSON", {{"lead", "{not json"}}, "not a JSON object"},
      {"a JSON array", {{"lead", "[1,2]"}}, "not a JSON object"},
      {"a JSON string", {{"lead", "\"x\""}}, "not a JSON object"},
      {"no channel", {{"lead", R"({"event_id":"e1"})"}}, "not a lead event: "},
      {"an unknown channel", {{"lead", R"({"event_id":"e1","channel":"pigeon"})"}}, "not a lead event: "},
      {"a channel that is no string", {{"lead", R"({"event_id":"e1","channel":7})"}}, "not a lead event: "},
      {"no event id", {{"lead", R"({"channel":"web_form"})"}}, "event_id is missing"},
      {"an empty event id", {{"lead", R"({"event_id":"","channel":"web_form"})"}}, "event_id is missing"},
  };
  for (const auto& c : cases) {
    const auto got = read_inbound_event(entry(c.fields), "lead");
    if (c.error == nullptr) {
      ASSERT_TRUE(got.has_value()) << c.name << ": " << got.error();
      EXPECT_EQ(got->event_id, "web_form:submit:1") << c.name;
      EXPECT_EQ(got->source, "site") << c.name;
      EXPECT_EQ(got->contact.full_name, "Nguyễn Văn An") << c.name;
    } else {
      ASSERT_FALSE(got.has_value()) << c.name;
      EXPECT_TRUE(got.error().starts_with(c.error)) << c.name << ": " << got.error();
    }
  }
}

TEST(InboundEntry, TheEventFieldIsTheConfiguredOne) {
  const auto e = entry({{"lead", "garbage"}, {"event", R"({"event_id":"e1","channel":"web_form"})"}});
  ASSERT_TRUE(read_inbound_event(e, "event").has_value());
  EXPECT_FALSE(read_inbound_event(e, "lead").has_value());
}

TEST(InboundEntry, QuarantineKeepsTheEventAsBodyAndTheRestAsHeaders) {
  const std::string body = R"({"event_id":"e1","source":"zalo-oa","channel":"zalo","received_at":"2026-12-07T01:30:00.000Z"})";
  const auto q = inbound_quarantine_entry(entry({{"lead", body}, {"lead_id", "L9"}}), "lead", "t1", "enrichment failed: x");
  EXPECT_EQ(q.tenant, "t1");
  EXPECT_EQ(q.stage, "process");
  EXPECT_EQ(q.reason, "enrichment failed: x");
  EXPECT_EQ(q.entry_id, "1796607000000-0");
  EXPECT_EQ(q.body, body);
  EXPECT_EQ(nlohmann::json::parse(q.headers), (nlohmann::json{{"lead_id", "L9"}}));
  EXPECT_EQ(q.source, "zalo-oa");
  EXPECT_EQ(q.channel, "zalo");
  EXPECT_EQ(q.received_at, "2026-12-07T01:30:00.000Z");
}

TEST(InboundEntry, QuarantineOfWhatIsNoEventStillKeepsEverything) {
  struct qcase {
    const char* name;
    std::vector<std::pair<std::string, std::string>> fields;
    std::string body;
    nlohmann::json headers;
  };
  const std::vector<qcase> cases = {
      {"no event field", {{"x", "1"}, {"y", "2"}}, "", {{"x", "1"}, {"y", "2"}}},
      {"not JSON", {{"lead", "{broken"}}, "{broken", nlohmann::json::object()},
      // A source that is no string is not taken for one (and does not throw).
      {"odd member types", {{"lead", R"({"source":5,"channel":null})"}}, R"({"source":5,"channel":null})",
       nlohmann::json::object()},
      {"invalid UTF-8 in another field", {{"lead", "{}"}, {"note", "\xff"}}, "{}", {{"note", "\xef\xbf\xbd"}}},
  };
  for (const auto& c : cases) {
    const auto q = inbound_quarantine_entry(entry(c.fields), "lead", "t1", "why");
    EXPECT_EQ(q.body, c.body) << c.name;
    EXPECT_EQ(nlohmann::json::parse(q.headers), c.headers) << c.name;
    EXPECT_EQ(q.source, "") << c.name;
    EXPECT_EQ(q.channel, "") << c.name;
  }
}

TEST(InboundEntry, EnrichmentBackoffDoublesUpToItsCap) {
  const enrich_backoff b{1000ms, 8000ms};
  struct bcase {
    std::int64_t tries_before;
    double unit;
    std::int64_t due_after_ms;  // due_ms - now
  };
  // backoff_delay: base = first * 2^tries (capped), placed in [base/2, base] by `unit`.
  const std::vector<bcase> cases = {
      {0, 0.0, 500},  {0, 1.0, 1000}, {1, 0.0, 1000}, {1, 1.0, 2000}, {2, 0.5, 3000},
      {3, 1.0, 8000}, {4, 1.0, 8000}, {50, 0.0, 4000}, {1000, 1.0, 8000}, {-3, 1.0, 1000},
  };
  const std::int64_t now = 1796607000000;
  for (const auto& c : cases) {
    const auto next = next_enrich_attempt({c.tries_before, 0}, now, b, c.unit);
    EXPECT_EQ(next.tries, std::max<std::int64_t>(c.tries_before, 0) + 1) << c.tries_before;
    EXPECT_EQ(next.due_ms - now, c.due_after_ms) << "tries " << c.tries_before << " unit " << c.unit;
  }
}

TEST(AssignHelpers, StrategiesMapOneToOne) {
  const std::vector<std::pair<routing::strategy, store::assign_strategy>> cases = {
      {routing::strategy::round_robin, store::assign_strategy::round_robin},
      {routing::strategy::weighted_round_robin, store::assign_strategy::weighted_round_robin},
      {routing::strategy::least_loaded, store::assign_strategy::least_loaded},
      {routing::strategy::claim, store::assign_strategy::claim},
  };
  for (const auto& [from, to] : cases) EXPECT_EQ(to_assign_strategy(from), to);
}

TEST(AssignHelpers, ClockPointIsTheTenantsLocalMinuteAndWeekday) {
  struct ccase {
    std::int64_t epoch_ms;
    const char* zone;
    int minute_of_day;
    int iso_weekday;
  };
  const std::vector<ccase> cases = {
      {1796607000000, "Asia/Ho_Chi_Minh", 8 * 60 + 30, 1},  // 2026-12-07T01:30Z: Monday 08:30 in Vietnam
      {1796578200000, "Asia/Ho_Chi_Minh", 30, 1},           // Sunday 17:30 UTC is Monday 00:30 there
      {1796576340000, "Asia/Ho_Chi_Minh", 23 * 60 + 59, 7}, // a minute before: still Sunday
      {1796578200000, "UTC", 17 * 60 + 30, 7},
  };
  for (const auto& c : cases) {
    const auto p = make_clock_point(c.epoch_ms, c.zone);
    EXPECT_EQ(p.epoch_ms, c.epoch_ms);
    EXPECT_EQ(p.minute_of_day, c.minute_of_day) << c.epoch_ms << " " << c.zone;
    EXPECT_EQ(p.iso_weekday, c.iso_weekday) << c.epoch_ms << " " << c.zone;
  }
}

TEST(AssignHelpers, TheRequestCarriesTheEventTheContactAndTheDecision) {
  processed_event pe;
  pe.event.event_id = "zalo:msg:1";
  pe.event.lead_id = "L42";
  pe.contact.contact_id = "c7";
  routing::decision d;
  d.rule = "ielts-hanoi";
  d.action.team = "hn-ielts";
  d.action.strategy = routing::strategy::least_loaded;
  d.action.sticky_owner = false;
  d.action.sla_minutes = 15;
  d.action.priority = "urgent";
  const auto r = make_assign_request(pe, d);
  EXPECT_EQ(r.event_id, "zalo:msg:1");
  EXPECT_EQ(r.lead_id, "L42");
  EXPECT_EQ(r.contact_id, "c7");
  EXPECT_EQ(r.team, "hn-ielts");
  EXPECT_EQ(r.strategy, store::assign_strategy::least_loaded);
  EXPECT_FALSE(r.sticky_owner);
  EXPECT_EQ(r.sla_minutes, 15);
  EXPECT_EQ(r.priority, "urgent");
  EXPECT_EQ(r.rule, "ielts-hanoi");
}

TEST(AssignHelpers, TeamRecordKeepsMembersInOrderWithTheirHours) {
  routing::team t;
  t.id = "hn-1";
  t.fallback_team = "hn-lead";
  routing::member a;
  a.id = "m1";
  a.name = "Lan";
  a.crm_user_id = "u-1";
  a.weight = 3;
  a.capacity = 20;
  routing::member b;
  b.id = "m2";
  b.active = false;
  b.always_available = false;
  b.hours[0] = {routing::time_window{8 * 60, 12 * 60}};
  t.members = {a, b};
  const auto r = to_team_record(t);
  EXPECT_EQ(r.id, "hn-1");
  EXPECT_EQ(r.fallback_team, "hn-lead");
  ASSERT_EQ(r.members.size(), 2u);
  EXPECT_EQ(r.members[0].id, "m1");
  EXPECT_EQ(r.members[0].name, "Lan");
  EXPECT_EQ(r.members[0].crm_user_id, "u-1");
  EXPECT_EQ(r.members[0].weight, 3);
  EXPECT_EQ(r.members[0].capacity, 20);
  EXPECT_TRUE(r.members[0].active);
  EXPECT_EQ(r.members[0].hours, "");  // always available
  EXPECT_EQ(r.members[1].id, "m2");
  EXPECT_FALSE(r.members[1].active);
  EXPECT_EQ(r.members[1].hours, "480-720;;;;;;");  // Monday 08:00-12:00, the other days off
}

}  // namespace
}  // namespace lg::pipeline
