// A private Dovecot IMAP server for tests: a generated dovecot.conf in a temp dir (its own
// base_dir and state_dir, a passwd-file user with a Maildir under the temp dir, IMAP with
// STARTTLS and IMAPS on loopback ports the test picked, the test certificate of
// tests/fixtures/tls), run as `dovecot -F -c <conf>` and killed when the object goes.
// Messages are delivered by writing files straight into the Maildir (tmp/ then new/, as an
// MDA does). Throws when dovecot is not installed: scripts/deps installs it, so a missing
// Dovecot is a failing test, not a skipped one.
// The definitions live in dovecot.cpp (built once, in lg_test_support).
#pragma once

#include "support/process.hpp"

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace lg::test {

class dovecot_server {
 public:
  dovecot_server(unsigned short imap_port, unsigned short imaps_port);
  ~dovecot_server();
  dovecot_server(const dovecot_server&) = delete;
  dovecot_server& operator=(const dovecot_server&) = delete;

  static constexpr const char* user = "leads";
  static constexpr const char* password = "imap-test-password-0001";

  unsigned short imap_port() const { return imap_port_; }
  unsigned short imaps_port() const { return imaps_port_; }
  std::string ca_file() const { return std::string(LG_FIXTURES_DIR) + "/tls/ca.pem"; }
  std::filesystem::path maildir() const { return dir_ / "home" / "Maildir"; }
  std::string log() const;

  // Writes one message into the Maildir as an MDA would: tmp/ first, then renamed into new/.
  void deliver(std::string_view raw);

  // Makes Dovecot forget the mailbox's UIDs: the next session sees a new UIDVALIDITY and new
  // UIDs for the same messages (what a restored or recreated mailbox looks like to a client).
  // The server is stopped meanwhile, so no imap process writes the index back; the
  // dovecot-uidvalidity file stays, so the new UIDVALIDITY is the old one + 1 at least.
  void reset_uids();

  // Stops the server (connections are dropped) and starts it again on the same ports.
  void restart();

 private:
  static std::string find_binary();

  static void write(const std::filesystem::path& p, const std::string& text);

  void own(const std::filesystem::path& p) const;

  static bool accepts(unsigned short port);

  void start();

  void stop();

  std::filesystem::path dir_;
  std::string binary_;
  unsigned short imap_port_;
  unsigned short imaps_port_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  std::unique_ptr<child_process> child_;
  std::atomic<unsigned> delivered_{0};
};

}  // namespace lg::test
