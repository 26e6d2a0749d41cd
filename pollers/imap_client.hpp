// A small IMAP4rev1 client for the mailbox poller: one TLS connection (IMAPS, or STARTTLS
// upgraded before LOGIN), tagged commands, untagged responses and {n} literals framed by
// adapters/email/imap_protocol under line and literal limits, a timeout on every read and
// write, and IDLE (RFC 2177) ended by DONE when new mail arrives or the renewal time comes.
// Runs on the poller's own io_context; not thread-safe (one coroutine drives it).
#pragma once

#include "adapters/email/imap_protocol.hpp"
#include "adapters/email/imap_source.hpp"
#include "core/asio.hpp"
#include "core/error.hpp"

#include <boost/asio/ssl.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lg::pollers {

struct imap_mailbox_info {
  std::uint64_t uidvalidity = 0;
  std::optional<std::uint32_t> uidnext;
  std::uint32_t exists = 0;
};

class imap_client : public std::enable_shared_from_this<imap_client> {
 public:
  static std::shared_ptr<imap_client> create(asio::any_io_executor ex, asio::ssl::context& tls,
                                             adapters::email::imap::limits lim);

  // Connect, greeting, STARTTLS when configured, TLS handshake with certificate and host
  // name checks, CAPABILITY, LOGIN. Errors: unavailable/timeout (network, TLS), unauthorized
  // (LOGIN refused).
  awaitable<std::expected<void, core::error>> async_open(const adapters::email::imap_source_options& o);
  awaitable<std::expected<imap_mailbox_info, core::error>> async_select(std::string mailbox);

  // Runs one command ("UID FETCH 5:* (UID RFC822.SIZE)", without tag and CRLF); returns its
  // untagged responses, at most max_untagged of them (the rest are read and dropped). A NO or
  // BAD answer is an error carrying the server's text.
  awaitable<std::expected<std::vector<adapters::email::imap::response>, core::error>> async_command(
      std::string command, std::size_t max_untagged = 100'000);

  // IDLE until the server reports new messages (true) or `renew` passes (false), then DONE.
  awaitable<std::expected<bool, core::error>> async_idle(std::chrono::milliseconds renew);

  bool supports_idle() const noexcept;
  void close() noexcept;

  explicit imap_client(asio::any_io_executor ex, asio::ssl::context& tls, adapters::email::imap::limits lim);

 private:
  awaitable<std::expected<void, core::error>> async_write(std::string data);
  awaitable<std::expected<adapters::email::imap::response, core::error>> async_read(bool timed);
  std::string next_tag();
  void note_capabilities(const std::string& line);
  void arm_idle_timer(std::chrono::milliseconds after);

  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
  adapters::email::imap::limits limits_;
  std::chrono::milliseconds command_timeout_{30000};
  bool tls_active_ = false;
  bool literal_plus_ = false;
  bool idle_ = false;
  std::vector<std::string> caps_;
  std::string buf_;
  std::uint64_t tag_counter_ = 0;
  asio::steady_timer idle_timer_;
  std::uint64_t idle_generation_ = 0;  // a stale timer handler sees another generation
  bool done_sent_ = false;
  bool writing_ = false;
};

}  // namespace lg::pollers
