// The per-source shared secret of a form endpoint. Both sides are hashed first so the
// comparison takes the same time whatever the lengths, then compared in constant time.
#include "adapters/web_form/field_collector.hpp"

#include "core/digest.hpp"

namespace lg::adapters::web_form {

bool token_ok(const config::source_config& src, const inbound_request& req) {
  if (src.token.empty()) return true;
  std::optional<std::string> given;
  if (const auto h = req.header("x-leadgate-token")) given = std::string(detail::trim(*h));
  else given = detail::query_param(req.query, "token");
  if (!given || given->empty()) return false;
  return core::equal_constant_time(core::sha256_hex(*given), core::sha256_hex(src.token));
}

}  // namespace lg::adapters::web_form
