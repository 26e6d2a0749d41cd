// The one header that includes Boost.Asio for the project. GCC 12 needs <utility> before
// Asio's awaitable.hpp (it uses std::exchange without including it).
#pragma once

#include <utility>

#include <boost/asio.hpp>

namespace lg {
namespace asio = boost::asio;
template <class T>
using awaitable = boost::asio::awaitable<T>;
}  // namespace lg
