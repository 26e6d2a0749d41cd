// The Redis side of the integration tests' helpers of test_redis.hpp: the blocking client, the
// bounded coroutine runner and the private redis-server.
#include "integration/test_redis.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace lg::test {

bool wait_connected(store::redis_client& client, asio::io_context* ioc,
                    std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!client.connected() && std::chrono::steady_clock::now() < deadline) {
    if (ioc != nullptr) ioc->run_one_for(std::chrono::milliseconds(10));
    else std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return client.connected();
}

store::redis_options test_redis_options() {
  const char* url = std::getenv("LG_TEST_REDIS_URL");
  if (url == nullptr) throw std::runtime_error("LG_TEST_REDIS_URL is not set");
  auto o = store::redis_options::from_url(url);
  if (!o) throw std::runtime_error("LG_TEST_REDIS_URL: " + o.error().message);
  o->command_timeout = std::chrono::milliseconds(10000);
  return *o;
}

blocking_redis::blocking_redis() : work_(asio::make_work_guard(ioc_)) {
  client_ = store::redis_client::create(ioc_, test_redis_options());
  client_->start();
  thread_ = std::thread([this] { ioc_.run(); });
  wait_connected(*client_);
}

blocking_redis::~blocking_redis() {
  asio::post(ioc_, [c = client_] { c->stop(); });
  work_.reset();
  ioc_.stop();
  thread_.join();
}

store::redis_reply blocking_redis::exec(std::vector<std::string> args) {
  std::promise<std::expected<store::redis_reply, core::error>> p;
  auto f = p.get_future();
  asio::post(ioc_, [&] { client_->exec(std::move(args), [&](auto r) { p.set_value(std::move(r)); }); });
  if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready)
    throw std::runtime_error("redis command timed out");
  auto r = f.get();
  if (!r) throw std::runtime_error("redis: " + r.error().message);
  return std::move(*r);
}

void blocking_redis::exec_all(std::vector<std::vector<std::string>> cmds) {
  std::promise<void> p;
  auto f = p.get_future();
  std::size_t left = cmds.size();
  if (left == 0) return;
  asio::post(ioc_, [&] {
    for (auto& c : cmds)
      client_->exec(std::move(c), [&](auto) { if (--left == 0) p.set_value(); });
  });
  if (f.wait_for(std::chrono::seconds(120)) != std::future_status::ready)
    throw std::runtime_error("redis pipeline timed out");
}

std::string blocking_redis::canonical(const std::string& tenant, std::string id) {
  for (int i = 0; i < 16; ++i) {
    auto r = exec({"GET", store::keys::prefix(tenant) + "alias:" + id});
    if (r.is_nil()) break;
    id = r.str;
  }
  return id;
}

std::string blocking_redis::find_contact(const std::string& tenant, const std::string& identity_key) {
  auto n = exec({"HGET", store::identity_index_key(tenant, identity_key), identity_key});
  if (n.is_nil()) return {};
  return canonical(tenant, "c_" + n.str);
}

std::vector<nlohmann::json> blocking_redis::timeline(const std::string& tenant, const std::string& id) {
  const std::string pfx = store::keys::prefix(tenant);
  std::vector<nlohmann::json> out;
  for (const auto& e : exec({"LRANGE", pfx + "tl:" + id, "0", "-1"}).elements)
    out.push_back(nlohmann::json::parse(e.str));
  auto h = exec({"HGETALL", pfx + "c:" + id});
  std::vector<std::pair<std::string, std::string>> fields;
  for (std::size_t i = 0; i + 1 < h.elements.size(); i += 2)
    fields.emplace_back(h.elements[i].str, h.elements[i + 1].str);
  if (auto first = store::inline_touch(fields)) out.push_back(std::move(*first));
  return out;
}

std::size_t blocking_redis::count_keys(const std::string& pattern) {
  std::size_t n = 0;
  std::string cursor = "0";
  do {
    auto r = exec({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    cursor = r.elements.at(0).str;
    n += r.elements.at(1).elements.size();
  } while (cursor != "0");
  return n;
}

bool run_bounded(asio::io_context& ioc, std::function<awaitable<void>()> body,
                 std::chrono::milliseconds limit) {
  bool done = false;
  std::exception_ptr failure;
  asio::co_spawn(ioc, std::move(body), [&](std::exception_ptr e) {
    done = true;
    failure = e;
  });
  auto until = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < until) {
    ioc.run_one_until(until);
  }
  if (failure) std::rethrow_exception(failure);
  return done;
}

awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

unsigned short free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string redis_server_binary() {
  if (const char* v = std::getenv("LG_REDIS_SERVER"); v != nullptr && *v != '\0') return v;
  const char* path = std::getenv("PATH");
  std::string p = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::filesystem::path candidate = std::filesystem::path(p.substr(start, end - start)) / "redis-server";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return {};
}

private_redis::private_redis() {
  binary_ = redis_server_binary();
  port_ = free_port();
  std::string tmpl = (std::filesystem::temp_directory_path() / "lg-redis-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) != nullptr) dir_ = buf.data();
}

private_redis::~private_redis() {
  stop();
  std::error_code ec;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
}

std::string private_redis::start(const std::vector<std::string>& extra) {
  if (binary_.empty()) return "redis-server not found (set LG_REDIS_SERVER or PATH)";
  if (port_ == 0 || dir_.empty()) return "no free port or temp dir";
  std::string port = std::to_string(port_);
  std::vector<std::string> args{binary_, "--port", port, "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", dir_, "--loglevel", "warning",
                                "--logfile", dir_ + "/redis.log", "--unixsocket", dir_ + "/redis.sock"};
  args.insert(args.end(), extra.begin(), extra.end());
  try {
    child_ = std::make_unique<child_process>(args, std::vector<std::string>{}, dir_ + "/redis.out");
  } catch (const std::exception&) {
    return "cannot spawn " + binary_;
  }
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < until) {
    if (accepts()) return {};
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  return "redis-server did not accept connections on port " + port + " within 10 s";
}

void private_redis::stop() {
  if (child_) child_->stop(SIGKILL, std::chrono::seconds(10));
  child_.reset();
}

bool private_redis::accepts() const {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port_);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace lg::test
