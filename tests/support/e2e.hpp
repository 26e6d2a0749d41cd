// Shared by the end-to-end tests: temp config files and the config pieces most of them use,
// starting the built binary and reading the port it printed, waiting (bounded) until it is
// ready, and the signed webhook and form requests they send; fixtures through
// support/fixtures.hpp. Starting the binary (LG_BINARY, defined for lg_e2e alone) is here;
// the rest is declared in support/e2e_common.hpp.
#pragma once

#include "support/e2e_common.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lg::test {

// `leadgate serve --config cfg --port 0` and `args` (say "--roles", "http") against the test Redis
// (LEADGATE_REDIS_URL), `env` added.
inline child_process serve(const std::filesystem::path& cfg, const std::vector<std::string>& env = {},
                           const std::vector<std::string>& args = {}) {
  std::vector<std::string> all{"LEADGATE_REDIS_URL=" + redis_url()};
  all.insert(all.end(), env.begin(), env.end());
  std::vector<std::string> argv{LG_BINARY, "serve", "--config", cfg.string(), "--port", "0"};
  argv.insert(argv.end(), args.begin(), args.end());
  return child_process(argv, all);
}

// start(), then wait_ready(): the port once /readyz answers 200, or 0.
inline unsigned short start_ready(child_process& p) {
  const auto port = start(p);
  return port != 0 && wait_ready(port) ? port : 0;
}

// A `leadgate serve` (see serve()) on `config` written to a temp file, started: `port` is the
// port once /readyz answers, or 0. The config's directory goes with it.
struct served_gateway {
  explicit served_gateway(const nlohmann::json& config, const std::vector<std::string>& env = {})
      : cfg(write_temp("leadgate.json", config.dump(2))), proc(serve(cfg, env)), port(start_ready(proc)) {}
  ~served_gateway() { std::filesystem::remove_all(cfg.parent_path()); }
  served_gateway(const served_gateway&) = delete;
  served_gateway& operator=(const served_gateway&) = delete;

  // SIGTERM, then its exit code within `limit` (nullopt when it did not exit).
  std::optional<int> terminate(std::chrono::milliseconds limit) {
    proc.signal(SIGTERM);
    return proc.wait(limit);
  }

  std::filesystem::path cfg;
  child_process proc;
  unsigned short port;
};

}  // namespace lg::test
