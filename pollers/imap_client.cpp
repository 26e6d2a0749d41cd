// The poller's IMAP client; see imap_client.hpp.
#include "pollers/imap_client.hpp"

#include "core/asio.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <array>

namespace lg::pollers {
namespace {

namespace beast = boost::beast;
namespace imap = adapters::email::imap;
using core::errc;
using core::make_error;
using tcp = asio::ip::tcp;

std::unexpected<core::error> fail(errc c, std::string message) {
  return std::unexpected(make_error(c, std::move(message)));
}

std::string tls_failure(SSL* ssl, const boost::system::error_code& ec) {
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK)
    return std::string("certificate verification failed: ") + X509_verify_cert_error_string(verify);
  return "TLS handshake failed: " + ec.message();
}

// Bounded name lookup: the resolver is cancelled when the timer fires first.
awaitable<std::expected<tcp::resolver::results_type, core::error>> resolve(std::string host, std::string port,
                                                                           std::chrono::milliseconds limit) {
  auto ex = co_await asio::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(ex);
  auto timer = std::make_shared<asio::steady_timer>(ex, limit);
  timer->async_wait([resolver](const boost::system::error_code& ec) {
    if (!ec) resolver->cancel();
  });
  boost::system::error_code ec;
  auto results = co_await resolver->async_resolve(host, port, asio::redirect_error(asio::use_awaitable, ec));
  timer->cancel();
  if (ec == asio::error::operation_aborted) co_return fail(errc::timeout, "DNS lookup of " + host + " timed out");
  if (ec || results.empty())
    co_return fail(errc::unavailable, "DNS lookup of " + host + " failed: " + (ec ? ec.message() : "no addresses"));
  co_return results;
}

std::string strip_crlf(std::string s) {
  for (auto& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

}  // namespace

std::shared_ptr<imap_client> imap_client::create(asio::any_io_executor ex, asio::ssl::context& tls, imap::limits lim) {
  return std::make_shared<imap_client>(ex, tls, lim);
}

imap_client::imap_client(asio::any_io_executor ex, asio::ssl::context& tls, imap::limits lim)
    : stream_(ex, tls), limits_(lim), idle_timer_(ex) {}

bool imap_client::supports_idle() const noexcept { return idle_; }

void imap_client::close() noexcept {
  ++idle_generation_;
  idle_timer_.cancel();
  boost::system::error_code ec;
  beast::get_lowest_layer(stream_).socket().close(ec);
}

std::string imap_client::next_tag() { return "lg" + std::to_string(++tag_counter_); }

void imap_client::note_capabilities(const std::string& line) {
  if (auto caps = imap::capabilities(line)) {
    caps_ = std::move(*caps);
    idle_ = imap::has_capability(caps_, "IDLE");
    literal_plus_ = imap::has_capability(caps_, "LITERAL+");
  }
}

awaitable<std::expected<void, core::error>> imap_client::async_write(std::string data) {
  // The DONE that ends an IDLE may be written from the renewal timer while the reader waits;
  // a command that follows waits for that write to finish.
  if (writing_) {
    asio::steady_timer wait(stream_.get_executor());
    const auto until = std::chrono::steady_clock::now() + command_timeout_;
    while (writing_ && std::chrono::steady_clock::now() < until) {
      wait.expires_after(std::chrono::milliseconds(1));
      boost::system::error_code ignored;
      co_await wait.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    }
    if (writing_) co_return fail(errc::timeout, "IMAP write timed out");
  }
  writing_ = true;
  boost::system::error_code ec;
  beast::get_lowest_layer(stream_).expires_after(command_timeout_);
  if (tls_active_)
    co_await asio::async_write(stream_, asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
  else
    co_await asio::async_write(stream_.next_layer(), asio::buffer(data), asio::redirect_error(asio::use_awaitable, ec));
  writing_ = false;
  if (ec == beast::error::timeout) co_return fail(errc::timeout, "IMAP write timed out");
  if (ec) co_return fail(errc::unavailable, "IMAP write failed: " + ec.message());
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<imap::response, core::error>> imap_client::async_read(bool timed) {
  std::array<char, 16 * 1024> chunk{};
  while (true) {
    auto r = imap::take_response(buf_, limits_);
    if (!r) co_return std::unexpected(r.error());
    if (*r) co_return std::move(**r);
    auto& tcp_layer = beast::get_lowest_layer(stream_);
    if (timed)
      tcp_layer.expires_after(command_timeout_);
    else
      tcp_layer.expires_never();  // IDLE: the idle timer bounds the wait
    boost::system::error_code ec;
    std::size_t n = 0;
    if (tls_active_)
      n = co_await stream_.async_read_some(asio::buffer(chunk), asio::redirect_error(asio::use_awaitable, ec));
    else
      n = co_await stream_.next_layer().async_read_some(asio::buffer(chunk),
                                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec == beast::error::timeout) co_return fail(errc::timeout, "IMAP read timed out");
    if (ec) co_return fail(errc::unavailable, "IMAP connection lost: " + ec.message());
    buf_.append(chunk.data(), n);
  }
}

awaitable<std::expected<std::vector<imap::response>, core::error>> imap_client::async_command(
    std::string command, std::size_t max_untagged) {
  const std::string tag = next_tag();
  const std::string verb = command.substr(0, command.find(' '));
  auto w = co_await async_write(tag + " " + command + "\r\n");
  if (!w) co_return std::unexpected(w.error());
  std::vector<imap::response> untagged;
  while (true) {
    auto r = co_await async_read(true);
    if (!r) co_return std::unexpected(r.error());
    if (auto t = imap::parse_tagged(r->text); t && t->tag == tag) {
      note_capabilities(r->text);
      if (t->status == "OK") co_return untagged;
      const auto code = verb == "LOGIN" ? errc::unauthorized : errc::bad_request;
      co_return fail(code, "IMAP " + verb + " answered " + t->status + ": " + strip_crlf(t->text).substr(0, 300));
    }
    if (imap::is_bye(r->text) && verb != "LOGOUT")
      co_return fail(errc::unavailable, "IMAP server closed the session: " + strip_crlf(r->text).substr(0, 300));
    note_capabilities(r->text);
    if (untagged.size() < max_untagged) untagged.push_back(std::move(*r));
  }
}

awaitable<std::expected<void, core::error>> imap_client::async_open(const adapters::email::imap_source_options& o) {
  command_timeout_ = o.command_timeout;
  auto endpoints = co_await resolve(o.host, std::to_string(o.port), o.connect_timeout);
  if (!endpoints) co_return std::unexpected(endpoints.error());
  auto& tcp_layer = beast::get_lowest_layer(stream_);
  boost::system::error_code ec;
  tcp_layer.expires_after(o.connect_timeout);
  co_await tcp_layer.async_connect(*endpoints, asio::redirect_error(asio::use_awaitable, ec));
  const std::string where = o.host + ":" + std::to_string(o.port);
  if (ec == beast::error::timeout) co_return fail(errc::timeout, "connect to " + where + " timed out");
  if (ec) co_return fail(errc::unavailable, "connect to " + where + " failed: " + ec.message());

  SSL* ssl = stream_.native_handle();
  boost::system::error_code addr_ec;
  asio::ip::make_address(o.host, addr_ec);
  if (!addr_ec) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), o.host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl, o.host.c_str());
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_set1_host(ssl, o.host.c_str());
  }
  auto handshake = [&]() -> awaitable<std::expected<void, core::error>> {
    boost::system::error_code hec;
    tcp_layer.expires_after(o.connect_timeout);
    co_await stream_.async_handshake(asio::ssl::stream_base::client, asio::redirect_error(asio::use_awaitable, hec));
    if (hec == beast::error::timeout) co_return fail(errc::timeout, "TLS handshake with " + where + " timed out");
    if (hec) co_return fail(errc::unavailable, where + ": " + tls_failure(ssl, hec));
    tls_active_ = true;
    co_return std::expected<void, core::error>{};
  };

  if (o.tls == adapters::email::imap_tls::imaps) {
    auto h = co_await handshake();
    if (!h) co_return h;
  }
  auto greeting = co_await async_read(true);
  if (!greeting) co_return std::unexpected(greeting.error());
  if (greeting->text.rfind("* OK", 0) != 0 && greeting->text.rfind("* PREAUTH", 0) != 0)
    co_return fail(errc::unavailable, "IMAP server refused the connection: " + strip_crlf(greeting->text).substr(0, 300));
  note_capabilities(greeting->text);

  if (o.tls == adapters::email::imap_tls::starttls) {
    auto r = co_await async_command("STARTTLS");
    if (!r) co_return std::unexpected(r.error());
    // Bytes the server sent before the handshake are not protected: refuse them.
    if (!buf_.empty()) co_return fail(errc::unavailable, "IMAP server sent data after STARTTLS");
    auto h = co_await handshake();
    if (!h) co_return h;
    caps_.clear();  // capabilities learnt before TLS are not to be trusted (RFC 3501 6.2.1)
    idle_ = literal_plus_ = false;
  }
  auto caps = co_await async_command("CAPABILITY");
  if (!caps) co_return std::unexpected(caps.error());

  std::string login = "LOGIN";
  const std::array<const std::string*, 2> credentials{&o.user, &o.password};
  for (const std::string* v : credentials) {
    if (auto q = imap::quoted(*v)) {
      login += " " + *q;
    } else if (literal_plus_) {
      login += " {" + std::to_string(v->size()) + "+}\r\n" + *v;
    } else {
      co_return fail(errc::unauthorized, "the IMAP user or password needs a literal and the server lacks LITERAL+");
    }
  }
  auto logged = co_await async_command(std::move(login));
  if (!logged) co_return std::unexpected(logged.error());
  // Servers widen the capability list after login (IDLE may only appear now).
  auto after = co_await async_command("CAPABILITY");
  if (!after) co_return std::unexpected(after.error());
  co_return std::expected<void, core::error>{};
}

awaitable<std::expected<imap_mailbox_info, core::error>> imap_client::async_select(std::string mailbox) {
  auto q = imap::quoted(mailbox);
  if (!q) co_return fail(errc::bad_request, "mailbox name is not printable ASCII");
  auto r = co_await async_command("SELECT " + *q, 1000);
  if (!r) co_return std::unexpected(r.error());
  imap_mailbox_info info;
  for (const auto& resp : *r) {
    if (auto v = imap::response_code_number(resp.text, "UIDVALIDITY")) info.uidvalidity = *v;
    if (auto v = imap::response_code_number(resp.text, "UIDNEXT"); v && *v <= UINT32_MAX)
      info.uidnext = static_cast<std::uint32_t>(*v);
    if (auto v = imap::untagged_number(resp.text, "EXISTS")) info.exists = *v;
  }
  if (info.uidvalidity == 0) co_return fail(errc::bad_request, "IMAP SELECT gave no UIDVALIDITY");
  co_return info;
}

void imap_client::arm_idle_timer(std::chrono::milliseconds after) {
  const auto generation = ++idle_generation_;
  idle_timer_.expires_after(after);
  idle_timer_.async_wait([self = shared_from_this(), generation](const boost::system::error_code& ec) {
    if (ec || generation != self->idle_generation_) return;
    if (self->done_sent_) {
      // The server did not end the IDLE in time: drop the connection, the poller reconnects.
      self->close();
      return;
    }
    self->done_sent_ = true;
    self->arm_idle_timer(self->command_timeout_);
    asio::co_spawn(self->stream_.get_executor(), self->async_write(std::string("DONE\r\n")),
                   [self](std::exception_ptr, std::expected<void, core::error> r) {
                     if (!r) self->close();
                   });
  });
}

awaitable<std::expected<bool, core::error>> imap_client::async_idle(std::chrono::milliseconds renew) {
  if (!idle_) co_return fail(errc::bad_request, "the IMAP server does not offer IDLE");
  const std::string tag = next_tag();
  auto w = co_await async_write(tag + " IDLE\r\n");
  if (!w) co_return std::unexpected(w.error());
  auto first = co_await async_read(true);
  if (!first) co_return std::unexpected(first.error());
  if (!imap::is_continuation(first->text))
    co_return fail(errc::bad_request, "IMAP IDLE refused: " + strip_crlf(first->text).substr(0, 300));

  done_sent_ = false;
  arm_idle_timer(renew);
  bool new_mail = false;
  while (true) {
    auto r = co_await async_read(false);
    if (!r) {
      ++idle_generation_;
      idle_timer_.cancel();
      co_return std::unexpected(r.error());
    }
    if (auto t = imap::parse_tagged(r->text); t && t->tag == tag) {
      ++idle_generation_;
      idle_timer_.cancel();
      if (t->status != "OK") co_return fail(errc::bad_request, "IMAP IDLE ended with " + t->status);
      co_return new_mail;
    }
    if (imap::is_bye(r->text)) {
      ++idle_generation_;
      idle_timer_.cancel();
      co_return fail(errc::unavailable, "IMAP server closed the session: " + strip_crlf(r->text).substr(0, 300));
    }
    if (imap::untagged_number(r->text, "EXISTS") || imap::untagged_number(r->text, "RECENT")) {
      new_mail = true;
      if (!done_sent_) {
        done_sent_ = true;
        arm_idle_timer(command_timeout_);
        auto d = co_await async_write(std::string("DONE\r\n"));
        if (!d) co_return std::unexpected(d.error());
      }
    }
  }
}

}  // namespace lg::pollers
