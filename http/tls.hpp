// The TLS client settings of every outbound connection leadgate makes (HTTP and IMAP alike):
// TLS 1.2 or later, the peer's certificate verified against the system store (optional) plus an
// extra CA file; host name checks and SNI are the connection's (http/connection.cpp,
// pollers/imap_client.cpp).
#pragma once

#include "core/asio.hpp"

#include <boost/asio/ssl/context.hpp>

#include <optional>
#include <string>

namespace lg::net {

// Configures `ctx` (made with ssl::context::tls_client). Returns the reason when the extra CA
// file cannot be loaded (a startup error naming the file); an empty system store is not one.
std::optional<std::string> configure_client_tls(asio::ssl::context& ctx, bool use_system_ca,
                                                const std::string& extra_ca_file);

}  // namespace lg::net
