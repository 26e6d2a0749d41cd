// Shared by the end-to-end tests: temp config files, starting the built binary and reading the
// port it printed, and waiting (bounded) until it is ready; fixtures through support/fixtures.hpp.
#pragma once

#include "support/fixtures.hpp"
#include "support/http_test_client.hpp"
#include "support/process.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace lg::test {

inline std::string redis_url() {
  const char* v = std::getenv("LG_TEST_REDIS_URL");
  return v ? v : "";
}

// A file in a fresh directory under the temp dir; remove with fs::remove_all(p.parent_path()).
inline std::filesystem::path write_temp(const std::string& name, const std::string& text) {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() / ("lg-e2e-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  const auto p = dir / name;
  std::ofstream(p) << text;
  return p;
}

// Reads the binary's first line and returns the port of "listening on http://127.0.0.1:PORT", or 0.
inline unsigned short start(child_process& p) {
  auto line = p.read_line(std::chrono::seconds(10));
  if (!line) return 0;
  const std::string marker = "listening on http://127.0.0.1:";
  const auto at = line->find(marker);
  if (at == std::string::npos) return 0;
  return static_cast<unsigned short>(std::stoi(line->substr(at + marker.size())));
}

inline bool wait_ready(unsigned short port) {
  for (int i = 0; i < 250; ++i) {
    try {
      if (http_request(port, http::verb::get, "/readyz").status == 200) return true;
    } catch (const std::exception&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// `leadgate serve --config cfg --port 0` against the test Redis (LEADGATE_REDIS_URL), `env` added.
inline child_process serve(const std::filesystem::path& cfg, const std::vector<std::string>& env = {}) {
  std::vector<std::string> all{"LEADGATE_REDIS_URL=" + redis_url()};
  all.insert(all.end(), env.begin(), env.end());
  return child_process({LG_BINARY, "serve", "--config", cfg.string(), "--port", "0"}, all);
}

// start(), then wait_ready(): the port once /readyz answers 200, or 0.
inline unsigned short start_ready(child_process& p) {
  const auto port = start(p);
  return port != 0 && wait_ready(port) ? port : 0;
}

// A tenant no other run shares: "<prefix>-<random>".
inline std::string fresh_tenant(const std::string& prefix) {
  std::random_device rd;
  return prefix + "-" + std::to_string(rd());
}

// Polls `done` every 20 ms until it holds or `limit` passes.
inline bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace lg::test
