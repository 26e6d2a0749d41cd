// See spool.hpp.
#include "spool/spool.hpp"

#include "logging/logging.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

namespace lg::spool {
namespace fs = std::filesystem;
namespace {

constexpr std::string_view segment_suffix = ".spool";

core::error io_error(const std::string& what, int err) {
  return core::make_error(core::errc::unavailable, "spool: " + what + ": " + std::strerror(err));
}

// "00000000000000000042.spool" -> 42; nullopt for any other name.
std::optional<std::uint64_t> segment_seq(const fs::path& p) {
  const auto name = p.filename().string();
  if (!name.ends_with(segment_suffix) || name.size() == segment_suffix.size()) return std::nullopt;
  std::uint64_t seq = 0;
  const auto digits = std::string_view(name).substr(0, name.size() - segment_suffix.size());
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return seq;
}

std::expected<std::string, core::error> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::unexpected(io_error("cannot read " + p.string(), errno));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

// Where an append's coroutine waits: its own executor's timer, cancelled once the result is set.
struct spool::append_wait {
  explicit append_wait(asio::any_io_executor ex) : timer(std::move(ex), asio::steady_timer::time_point::max()) {}
  asio::steady_timer timer;
  std::optional<std::expected<void, core::error>> result;
};

spool::spool(spool_options opts, const core::time_source& clock) : opts_(std::move(opts)), clock_(clock) {}

std::expected<std::shared_ptr<spool>, core::error> spool::open(spool_options opts, const core::time_source& clock) {
  if (opts.dir.empty()) return std::unexpected(core::make_error(core::errc::invalid_field, "spool: no directory", "dir"));
  std::error_code ec;
  fs::create_directories(opts.dir, ec);
  if (ec) return std::unexpected(core::make_error(core::errc::unavailable, "spool: cannot create " + opts.dir.string() + ": " + ec.message()));
  std::shared_ptr<spool> sp(new spool(std::move(opts), clock));
  const auto lock_path = sp->opts_.dir / "lock";
  sp->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (sp->lock_fd_ < 0) return std::unexpected(io_error("cannot open " + lock_path.string(), errno));
  if (::flock(sp->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return std::unexpected(core::make_error(core::errc::conflict, "spool: " + sp->opts_.dir.string() +
                                                                      " is in use by another leadgate process"));
  }
  sp->dir_fd_ = ::open(sp->opts_.dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (sp->dir_fd_ < 0) return std::unexpected(io_error("cannot open " + sp->opts_.dir.string(), errno));
  if (auto bad = sp->recover()) return std::unexpected(std::move(*bad));
  sp->writer_ = std::thread([raw = sp.get()] { raw->write_loop(); });
  return sp;
}

spool::~spool() {
  {
    std::lock_guard lk(queue_mu_);
    stop_ = true;
  }
  queue_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  close_current();
  if (dir_fd_ >= 0) ::close(dir_fd_);
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

std::optional<core::error> spool::recover() {
  std::vector<std::pair<std::uint64_t, fs::path>> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(opts_.dir, ec)) {
    if (auto seq = segment_seq(entry.path()); seq && entry.is_regular_file()) found.emplace_back(*seq, entry.path());
  }
  if (ec) return core::make_error(core::errc::unavailable, "spool: cannot list " + opts_.dir.string() + ": " + ec.message());
  std::sort(found.begin(), found.end());
  for (const auto& [seq, path] : found) {
    next_seq_ = std::max(next_seq_, seq + 1);
    auto bytes = read_file(path);
    if (!bytes) return bytes.error();
    auto decoded = decode_segment(*bytes);
    if (decoded.dropped_bytes > 0) {
      // A crash during a write: those bytes were never acknowledged (the append waits for the sync).
      ++torn_tails_;
      torn_bytes_ += decoded.dropped_bytes;
      logging::warn("spool: cut a torn tail", {{"segment", path.string()},
                                              {"bytes", std::to_string(decoded.dropped_bytes)}});
      fs::resize_file(path, decoded.valid_bytes, ec);
      if (ec) return core::make_error(core::errc::unavailable, "spool: cannot cut " + path.string() + ": " + ec.message());
    }
    if (decoded.leads.empty()) {
      fs::remove(path, ec);
      continue;
    }
    segments_.push_back({seq, decoded.valid_bytes, decoded.leads.size(), decoded.leads.front().spooled_at_ms});
    records_ += decoded.leads.size();
    bytes_ += decoded.valid_bytes;
    reserved_bytes_ += decoded.valid_bytes;
  }
  refresh_oldest();
  if (records_ > 0) {
    logging::info("spool: leads from an earlier run wait to be drained",
                  {{"records", std::to_string(records_.load())}, {"dir", opts_.dir.string()}});
  }
  return std::nullopt;
}

bool spool::full() const noexcept {
  // Less room than a generous lead (64 KiB) left: the next append may well be refused.
  constexpr std::uint64_t room_for_one = 64 << 10;
  if (reserved_bytes_.load() + room_for_one > opts_.max_bytes) return true;
  const auto oldest = oldest_ms_.load();
  return oldest != 0 && clock_.now_ms() - oldest > std::chrono::milliseconds(opts_.max_age).count();
}

awaitable<std::expected<void, core::error>> spool::async_append(store::accept_request req) {
  const auto now = clock_.now_ms();
  std::string bytes = encode_record(spooled_lead{std::move(req), now});
  const auto oldest = oldest_ms_.load();
  if (oldest != 0 && now - oldest > std::chrono::milliseconds(opts_.max_age).count()) {
    ++refused_;
    co_return std::unexpected(core::make_error(
        core::errc::unavailable, "spool: its oldest lead waits longer than spool.max_age_s (Redis is away too long)"));
  }
  if (reserved_bytes_.fetch_add(bytes.size()) + bytes.size() > opts_.max_bytes) {
    reserved_bytes_ -= bytes.size();
    ++refused_;
    co_return std::unexpected(core::make_error(core::errc::unavailable, "spool: full (spool.max_bytes)"));
  }
  auto ex = co_await asio::this_coro::executor;
  auto wait = std::make_shared<append_wait>(ex);
  {
    std::lock_guard lk(queue_mu_);
    queue_.push_back({std::move(bytes), now, ex, wait});
  }
  queue_cv_.notify_one();
  while (!wait->result) {
    boost::system::error_code ec;
    co_await wait->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return std::move(*wait->result);
}

void spool::write_loop() {
  std::vector<queued> batch;
  for (;;) {
    {
      std::unique_lock lk(queue_mu_);
      queue_cv_.wait(lk, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and every append was answered
      batch.swap(queue_);
    }
    const auto result = write_batch(batch);
    if (!result) {
      std::uint64_t size = 0;
      for (const auto& q : batch) size += q.bytes.size();
      reserved_bytes_ -= size;
    }
    for (auto& q : batch) {
      asio::post(q.ex, [wait = std::move(q.wait), result] {
        wait->result = result;
        wait->timer.cancel();
      });
    }
    batch.clear();
  }
}

std::expected<void, core::error> spool::open_segment() {
  const std::uint64_t seq = next_seq_++;
  const auto path = segment_path(seq);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd_ < 0) return std::unexpected(io_error("cannot create " + path.string(), errno));
  // The new file's name must survive a crash as well as its contents.
  if (::fsync(dir_fd_) != 0) {
    const int err = errno;
    close_current();
    return std::unexpected(io_error("cannot sync " + opts_.dir.string(), err));
  }
  segments_.push_back({seq, 0, 0, 0});
  return {};
}

std::expected<void, core::error> spool::write_batch(const std::vector<queued>& batch) {
  std::lock_guard lk(files_mu_);
  if (fd_ < 0 || segments_.back().bytes >= opts_.segment_bytes) {
    close_current();
    if (auto opened = open_segment(); !opened) {
      write_errors_ += batch.size();
      return opened;
    }
  }
  std::string all;
  for (const auto& q : batch) all += q.bytes;
  auto& seg = segments_.back();
  auto fail = [&](const std::string& what, int err) -> std::expected<void, core::error> {
    // Cut what this batch left so that no half record sits before the next batch's records.
    if (::ftruncate(fd_, static_cast<off_t>(seg.bytes)) != 0) close_current();
    write_errors_ += batch.size();
    logging::error("spool: write failed", {{"error", std::strerror(err)}, {"dir", opts_.dir.string()}});
    return std::unexpected(io_error(what, err));
  };
  std::size_t done = 0;
  while (done < all.size()) {
    const auto n = ::write(fd_, all.data() + done, all.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write failed", errno);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fdatasync(fd_) != 0) return fail("sync failed", errno);
  ++syncs_;
  if (seg.records == 0) seg.oldest_ms = batch.front().at_ms;
  seg.bytes += all.size();
  seg.records += batch.size();
  bytes_ += all.size();
  records_ += batch.size();
  appended_ += batch.size();
  refresh_oldest();
  return {};
}

std::expected<std::optional<segment_batch>, core::error> spool::oldest_segment() {
  std::lock_guard lk(files_mu_);
  while (!segments_.empty() && segments_.front().records == 0) {
    // An empty segment (opened, then its only batch failed): nothing to drain in it.
    if (fd_ >= 0 && segments_.size() == 1) return std::optional<segment_batch>{};
    std::error_code ec;
    fs::remove(segment_path(segments_.front().seq), ec);
    segments_.pop_front();
  }
  if (segments_.empty()) return std::optional<segment_batch>{};
  const auto seq = segments_.front().seq;
  if (fd_ >= 0 && segments_.size() == 1) close_current();  // the oldest is the one being written
  auto bytes = read_file(segment_path(seq));
  if (!bytes) return std::unexpected(bytes.error());
  auto decoded = decode_segment(*bytes);
  if (decoded.dropped_bytes > 0) {
    logging::error("spool: a closed segment does not decode to its end",
                   {{"segment", segment_path(seq).string()}, {"bytes", std::to_string(decoded.dropped_bytes)}});
  }
  return std::optional<segment_batch>{segment_batch{seq, std::move(decoded.leads)}};
}

void spool::drained(std::uint64_t seq) {
  std::lock_guard lk(files_mu_);
  const auto it = std::find_if(segments_.begin(), segments_.end(), [&](const segment& s) { return s.seq == seq; });
  if (it == segments_.end()) return;
  if (fd_ >= 0 && std::next(it) == segments_.end()) close_current();
  std::error_code ec;
  fs::remove(segment_path(seq), ec);
  if (ec) logging::warn("spool: cannot remove a drained segment", {{"error", ec.message()}});
  bytes_ -= it->bytes;
  reserved_bytes_ -= it->bytes;
  records_ -= it->records;
  drained_ += it->records;
  segments_.erase(it);
  refresh_oldest();
}

void spool::refresh_oldest() {
  std::int64_t oldest = 0;
  for (const auto& s : segments_) {
    if (s.records > 0) {
      oldest = s.oldest_ms;
      break;
    }
  }
  oldest_ms_ = oldest;
}

void spool::close_current() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

fs::path spool::segment_path(std::uint64_t seq) const {
  char name[32];
  std::snprintf(name, sizeof name, "%020llu", static_cast<unsigned long long>(seq));
  return opts_.dir / (std::string(name) + std::string(segment_suffix));
}

spool_report spool::report() const {
  spool_report r;
  r.records = records_.load();
  r.bytes = bytes_.load();
  r.oldest_ms = oldest_ms_.load();
  r.appended = appended_.load();
  r.drained = drained_.load();
  r.refused = refused_.load();
  r.write_errors = write_errors_.load();
  r.syncs = syncs_.load();
  r.torn_tails = torn_tails_.load();
  r.torn_bytes = torn_bytes_.load();
  return r;
}

}  // namespace lg::spool
