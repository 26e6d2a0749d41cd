// See tls.hpp.
#include "http/tls.hpp"

namespace lg::net {

std::optional<std::string> configure_client_tls(asio::ssl::context& ctx, bool use_system_ca,
                                                const std::string& extra_ca_file) {
  ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                  asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  ctx.set_verify_mode(asio::ssl::verify_peer);
  boost::system::error_code ec;
  if (use_system_ca) ctx.set_default_verify_paths(ec);  // an empty system store is not fatal
  if (!extra_ca_file.empty()) {
    ctx.load_verify_file(extra_ca_file, ec);
    if (ec) return "cannot load CA file '" + extra_ca_file + "': " + ec.message();
  }
  return std::nullopt;
}

}  // namespace lg::net
