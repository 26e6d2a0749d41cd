// The private Dovecot of dovecot.hpp: its generated config, start and stop, and Maildir delivery.
#include "support/dovecot.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace lg::test {

dovecot_server::dovecot_server(unsigned short imap_port, unsigned short imaps_port)
    : imap_port_(imap_port), imaps_port_(imaps_port) {
  binary_ = find_binary();
  char tmpl[] = "/tmp/lg-dovecot-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("dovecot harness: mkdtemp failed");
  dir_ = tmpl;
  namespace fs = std::filesystem;
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  // Dovecot refuses mail access as root: as root, the mailbox belongs to nobody.
  std::string internal_user;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("nobody");
    if (pw == nullptr) throw std::runtime_error("dovecot harness: no user 'nobody'");
    uid_ = pw->pw_uid;
    gid_ = pw->pw_gid;
    internal_user = "nobody";
  } else {
    uid_ = ::geteuid();
    gid_ = ::getegid();
    const passwd* pw = ::getpwuid(uid_);
    if (pw == nullptr) throw std::runtime_error("dovecot harness: current user has no passwd entry");
    internal_user = pw->pw_name;
  }
  for (const char* d : {"base", "state", "home", "home/Maildir", "home/Maildir/cur", "home/Maildir/new",
       "home/Maildir/tmp"})
    fs::create_directories(dir_ / d);
  for (const char* d : {"home", "home/Maildir", "home/Maildir/cur", "home/Maildir/new", "home/Maildir/tmp"})
    own(dir_ / d);
  write(dir_ / "passwd", std::string(user) + ":{PLAIN}" + password + ":" + std::to_string(uid_) + ":" +
                             std::to_string(gid_) + "::" + (dir_ / "home").string() + "::\n");
  const std::string fixtures = LG_FIXTURES_DIR;
  std::ostringstream conf;
  conf << "base_dir = " << (dir_ / "base").string() << "\n"
       << "state_dir = " << (dir_ / "state").string() << "\n"
       << "instance_name = lg-test-" << ::getpid() << "-" << imap_port_ << "\n"
       << "protocols = imap\n"
       << "listen = 127.0.0.1\n"
       << "log_path = " << (dir_ / "dovecot.log").string() << "\n"
       << "default_internal_user = " << internal_user << "\n"
       << "default_login_user = " << internal_user << "\n"
       << "first_valid_uid = 1\n"
       << "ssl = yes\n"
       << "ssl_cert = <" << fixtures << "/tls/server.pem\n"
       << "ssl_key = <" << fixtures << "/tls/server.key\n"
       << "disable_plaintext_auth = yes\n"
       << "auth_mechanisms = plain login\n"
       << "login_trusted_networks = 127.0.0.1/32\n"
       << "auth_failure_delay = 0\n"
       << "passdb {\n  driver = passwd-file\n  args = scheme=PLAIN " << (dir_ / "passwd").string() << "\n}\n"
       << "userdb {\n  driver = passwd-file\n  args = " << (dir_ / "passwd").string() << "\n}\n"
       << "mail_location = maildir:~/Maildir\n"
       << "service imap-login {\n"
       << "  chroot =\n"
       << "  inet_listener imap {\n    address = 127.0.0.1\n    port = " << imap_port_ << "\n  }\n"
       << "  inet_listener imaps {\n    address = 127.0.0.1\n    port = " << imaps_port_ << "\n    ssl = yes\n  }\n"
       << "}\n"
       << "service anvil {\n  chroot =\n}\n";
  write(dir_ / "dovecot.conf", conf.str());
  start();
}

dovecot_server::~dovecot_server() {
  stop();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string dovecot_server::log() const {
  std::ifstream in(dir_ / "dovecot.log");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void dovecot_server::deliver(std::string_view raw) {
  const std::string name = std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "." +
                           std::to_string(++delivered_) + ".lgtest";
  const auto tmp = maildir() / "tmp" / name;
  write(tmp, std::string(raw));
  own(tmp);
  std::filesystem::rename(tmp, maildir() / "new" / name);
}

void dovecot_server::reset_uids() {
  namespace fs = std::filesystem;
  stop();
  std::vector<fs::path> doomed;
  for (const auto& e : fs::directory_iterator(maildir())) {
    const auto n = e.path().filename().string();
    if (n == "dovecot-uidlist" || n.rfind("dovecot.index", 0) == 0 || n.rfind("dovecot.list.index", 0) == 0)
      doomed.push_back(e.path());
  }
  for (const auto& p : doomed) fs::remove(p);
  start();
}

void dovecot_server::restart() {
  stop();
  start();
}

std::string dovecot_server::find_binary() {
  for (const char* p : {"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"})
    if (::access(p, X_OK) == 0) return p;
  throw std::runtime_error(
      "dovecot is not installed (scripts/deps installs dovecot-core and dovecot-imapd)");
}

void dovecot_server::write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("dovecot harness: cannot write " + p.string());
}

void dovecot_server::own(const std::filesystem::path& p) const {
  if (::chown(p.c_str(), uid_, gid_) != 0 && ::geteuid() == 0)
    throw std::runtime_error("dovecot harness: chown failed for " + p.string());
}

bool dovecot_server::accepts(unsigned short port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  if (fd >= 0) ::close(fd);
  return ok;
}

void dovecot_server::start() {
  const std::string conf = (dir_ / "dovecot.conf").string();
  const std::string out = (dir_ / "dovecot.out").string();
  try {
    child_ = std::make_unique<child_process>(std::vector<std::string>{binary_, "-F", "-c", conf},
                                             std::vector<std::string>{}, out);
  } catch (const std::exception&) {
    throw std::runtime_error("dovecot harness: cannot start " + binary_);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!child_->running()) {
      child_.reset();
      std::ifstream in(out);
      std::ostringstream s;
      s << in.rdbuf();
      throw std::runtime_error("dovecot exited at start: " + s.str() + log());
    }
    if (accepts(imap_port_) && accepts(imaps_port_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
  throw std::runtime_error("dovecot did not listen within 15 s: " + log());
}

void dovecot_server::stop() {
  if (!child_) return;
  child_->stop(SIGTERM, std::chrono::seconds(5));
  child_.reset();
  // The master's children (imap, auth) end with it; wait for the ports to be free again.
  const auto free_by = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while ((accepts(imap_port_) || accepts(imaps_port_)) && std::chrono::steady_clock::now() < free_by)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace lg::test
