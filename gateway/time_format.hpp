// The gateway's timestamps are core's RFC 3339 forms (core/time_format.hpp).
#pragma once

#include "core/time_format.hpp"

namespace lg::gateway {

using core::append_rfc3339_ms;
using core::format_rfc3339_ms;

}  // namespace lg::gateway
