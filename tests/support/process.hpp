// The one way tests start another program (the built leadgate binary, a private redis-server,
// Dovecot): stdout is a pipe read line by line with a deadline, or appended with stderr to a
// log file; the child is killed if the test forgets it. The POSIX side lives in process.cpp
// (built once, in lg_test_support).
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace lg::test {

class child_process {
 public:
  // `log_file` empty: stdout is read_line's pipe; else stdout and stderr go to that file.
  explicit child_process(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {},
                         const std::string& log_file = {});
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // The next stdout line, or nullopt at EOF or when `limit` passes.
  std::optional<std::string> read_line(std::chrono::milliseconds limit);

  // All remaining stdout until EOF (bounded).
  std::string read_all(std::chrono::milliseconds limit);

  void signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }
  // Whether it still runs (a child that exited is reaped here).
  bool running();
  // `sig`, then up to `grace` for it to exit; then SIGKILL. Always reaped.
  void stop(int sig = SIGTERM, std::chrono::milliseconds grace = std::chrono::seconds(5));

  // The exit code, or nullopt when the child did not exit within `limit` (or died by a signal).
  std::optional<int> wait(std::chrono::milliseconds limit);

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buf_;
};

}  // namespace lg::test
