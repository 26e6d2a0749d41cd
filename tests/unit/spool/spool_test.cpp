// The spool on a real directory: appends survive the process (reopen finds them in order),
// a torn tail is cut and counted, the bounds refuse with unavailable, one process per
// directory, segments roll and are removed once drained.
#include "spool/spool.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace lg::spool {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class spool_test : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::fresh_temp_dir("spool"); }
  void TearDown() override { fs::remove_all(dir_); }

  spool_options options() const {
    spool_options o;
    o.dir = dir_;
    return o;
  }

  static store::accept_request request(int i) {
    store::accept_request r;
    r.tenant = "t";
    r.idempotency_key = "k" + std::to_string(i);
    r.lead_id = "lead-" + std::to_string(i);
    r.event_json = R"({"lead_id":"lead-)" + std::to_string(i) + R"("})";
    return r;
  }

  // Appends requests [from, to) at once from coroutines on one io_context; their results.
  static std::vector<std::expected<void, core::error>> append(spool& sp, int from, int to) {
    asio::io_context ioc;
    std::vector<std::expected<void, core::error>> results(static_cast<std::size_t>(to - from));
    for (int i = from; i < to; ++i) {
      asio::co_spawn(
          ioc,
          [&sp, &results, i, from]() -> awaitable<void> {
            results[static_cast<std::size_t>(i - from)] = co_await sp.async_append(request(i));
          },
          asio::detached);
    }
    ioc.run();
    return results;
  }

  static std::vector<std::string> lead_ids(const segment_batch& b) {
    std::vector<std::string> ids;
    for (const auto& l : b.leads) ids.push_back(l.accept.lead_id);
    return ids;
  }

  std::vector<fs::path> segment_files() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_)) {
      if (e.path().extension() == ".spool") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir_;
};

TEST_F(spool_test, appends_survive_a_reopen_in_the_order_they_were_made) {
  {
    auto sp = spool::open(options());
    ASSERT_TRUE(sp.has_value()) << sp.error().message;
    for (const auto& r : append(**sp, 0, 200)) ASSERT_TRUE(r.has_value()) << r.error().message;
    const auto rep = (*sp)->report();
    EXPECT_EQ(rep.appended, 200u);
    EXPECT_EQ(rep.records, 200u);
    EXPECT_GE(rep.syncs, 1u);
    EXPECT_LE(rep.syncs, 200u);
    EXPECT_TRUE((*sp)->pending());
  }
  auto sp = spool::open(options());
  ASSERT_TRUE(sp.has_value()) << sp.error().message;
  EXPECT_TRUE((*sp)->pending());
  EXPECT_EQ((*sp)->report().records, 200u);
  auto batch = (*sp)->oldest_segment();
  ASSERT_TRUE(batch.has_value() && batch->has_value());
  std::vector<std::string> want;
  for (int i = 0; i < 200; ++i) want.push_back("lead-" + std::to_string(i));
  EXPECT_EQ(lead_ids(**batch), want);
  (*sp)->drained((*batch)->seq);
  EXPECT_FALSE((*sp)->pending());
  EXPECT_EQ((*sp)->report().drained, 200u);
  EXPECT_EQ((*sp)->report().bytes, 0u);
  EXPECT_TRUE(segment_files().empty());
  auto none = (*sp)->oldest_segment();
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
}

TEST_F(spool_test, a_torn_tail_is_cut_at_open_and_counted) {
  std::uintmax_t whole = 0;
  {
    auto sp = spool::open(options());
    ASSERT_TRUE(sp.has_value());
    for (const auto& r : append(**sp, 0, 3)) ASSERT_TRUE(r.has_value());
    whole = (*sp)->report().bytes;
  }
  auto files = segment_files();
  ASSERT_EQ(files.size(), 1u);
  {
    // A crash in the middle of the next write: half a record.
    const auto next = encode_record(spooled_lead{request(3), 1});
    std::ofstream out(files[0], std::ios::binary | std::ios::app);
    out << next.substr(0, next.size() / 2);
  }
  ASSERT_GT(fs::file_size(files[0]), whole);
  auto sp = spool::open(options());
  ASSERT_TRUE(sp.has_value());
  const auto rep = (*sp)->report();
  EXPECT_EQ(rep.torn_tails, 1u);
  EXPECT_GT(rep.torn_bytes, 0u);
  EXPECT_EQ(rep.records, 3u);
  EXPECT_EQ(fs::file_size(files[0]), whole);
  // New appends go to a new segment after the cut one, and the order holds.
  for (const auto& r : append(**sp, 10, 11)) ASSERT_TRUE(r.has_value());
  auto first = (*sp)->oldest_segment();
  ASSERT_TRUE(first.has_value() && first->has_value());
  EXPECT_EQ(lead_ids(**first), (std::vector<std::string>{"lead-0", "lead-1", "lead-2"}));
  (*sp)->drained((*first)->seq);
  auto second = (*sp)->oldest_segment();
  ASSERT_TRUE(second.has_value() && second->has_value());
  EXPECT_EQ(lead_ids(**second), (std::vector<std::string>{"lead-10"}));
}

TEST_F(spool_test, past_max_bytes_an_append_is_refused_as_unavailable) {
  auto o = options();
  // Room for two records (spooled now: a 13-digit time) and not three.
  o.max_bytes = encode_record(spooled_lead{request(0), core::real_time().now_ms()}).size() * 2 + 10;
  auto sp = spool::open(o);
  ASSERT_TRUE(sp.has_value());
  auto first = append(**sp, 0, 2);
  EXPECT_TRUE(first[0].has_value());
  EXPECT_TRUE(first[1].has_value());
  auto third = append(**sp, 2, 3);
  ASSERT_FALSE(third[0].has_value());
  EXPECT_EQ(third[0].error().code, core::errc::unavailable);
  EXPECT_EQ((*sp)->report().refused, 1u);
  EXPECT_EQ((*sp)->report().records, 2u);
  EXPECT_TRUE((*sp)->full());
}

TEST_F(spool_test, past_max_age_an_append_is_refused_until_the_old_leads_drain) {
  core::simulated_time clock;
  auto o = options();
  o.max_age = 60s;
  auto sp = spool::open(o, clock);
  ASSERT_TRUE(sp.has_value());
  ASSERT_TRUE(append(**sp, 0, 1)[0].has_value());
  clock.advance(30s);
  EXPECT_FALSE((*sp)->full());
  ASSERT_TRUE(append(**sp, 1, 2)[0].has_value());
  clock.advance(31s);
  EXPECT_TRUE((*sp)->full());
  auto refused = append(**sp, 2, 3);
  ASSERT_FALSE(refused[0].has_value());
  EXPECT_EQ(refused[0].error().code, core::errc::unavailable);
  auto batch = (*sp)->oldest_segment();
  ASSERT_TRUE(batch.has_value() && batch->has_value());
  (*sp)->drained((*batch)->seq);
  EXPECT_FALSE((*sp)->full());
  EXPECT_TRUE(append(**sp, 3, 4)[0].has_value());
}

TEST_F(spool_test, one_process_per_directory) {
  auto first = spool::open(options());
  ASSERT_TRUE(first.has_value());
  // flock is per open file description: a second open in this process conflicts the same way
  // a second process would.
  auto second = spool::open(options());
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code, core::errc::conflict);
  EXPECT_NE(second.error().message.find("in use"), std::string::npos);
  first->reset();
  EXPECT_TRUE(spool::open(options()).has_value());
}

TEST_F(spool_test, segments_roll_and_drain_oldest_first) {
  auto o = options();
  o.segment_bytes = 1;  // every batch opens a new segment
  auto sp = spool::open(o);
  ASSERT_TRUE(sp.has_value());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(append(**sp, i, i + 1)[0].has_value());
  EXPECT_EQ(segment_files().size(), 3u);
  for (int i = 0; i < 3; ++i) {
    auto batch = (*sp)->oldest_segment();
    ASSERT_TRUE(batch.has_value() && batch->has_value());
    EXPECT_EQ(lead_ids(**batch), (std::vector<std::string>{"lead-" + std::to_string(i)}));
    (*sp)->drained((*batch)->seq);
  }
  EXPECT_FALSE((*sp)->pending());
  EXPECT_TRUE(segment_files().empty());
}

TEST_F(spool_test, an_unusable_directory_is_an_error_at_open) {
  auto o = options();
  fs::create_directories(dir_.parent_path());
  std::ofstream(dir_) << "a file, not a directory";
  auto sp = spool::open(o);
  ASSERT_FALSE(sp.has_value());
  fs::remove(dir_);
  o.dir.clear();
  EXPECT_FALSE(spool::open(o).has_value());
}

}  // namespace
}  // namespace lg::spool
