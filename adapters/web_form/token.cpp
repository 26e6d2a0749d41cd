// The per-source shared secret of a form endpoint. Both sides are hashed first so the
// comparison takes the same time whatever the lengths, then compared with CRYPTO_memcmp.
#include "adapters/web_form/field_collector.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace lg::adapters::web_form {
namespace {

std::array<unsigned char, 32> sha256(std::string_view s) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

}  // namespace

bool token_ok(const config::source_config& src, const inbound_request& req) {
  if (src.token.empty()) return true;
  std::optional<std::string> given;
  if (const auto h = req.header("x-leadgate-token")) given = std::string(detail::trim(*h));
  else given = detail::query_param(req.query, "token");
  if (!given || given->empty()) return false;
  const auto a = sha256(*given);
  const auto b = sha256(src.token);
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace lg::adapters::web_form
